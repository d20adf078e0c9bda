"""A request and a response example for every operation of the schema, built from the schema
itself so that they can never drift from it (a test validates each one against its schema).

Values come, in this order, from an `example` the schema already gives, the field's enum, the
field's name (`business_name`, `region_code`, `total`… take values from the Ogan Ilir case of
the demo data), then its format and type. Operations that state their own examples (the change
feed, say) keep them.
"""

import re
from copy import deepcopy

MAX_DEPTH = 6
BY_NAME = {
    "business_name": "Kerajinan Perak Tanjung Senai",
    "owner_name": "Ahmad Saputra",
    "owner_nik": "161002**********",
    "nik": "161002**********",
    "nib": "9120001234567",
    "npwp": "01.234.567.8-315.000",
    "kbli": "32111",
    "phone": "+628127100000",
    "address": "Desa Karya Usang, Tanjung Senai",
    "email": "tjsl@example.co.id",
    "region_code": "16.10",
    "regency": "16.10",
    "district": "16.10.01",
    "region": "16.10",
    "province": "16",
    "code": "16.10",
    "number": "HK/TJSL/2023/0001",
    "name": "HK Peduli Kreatif",
    "short_name": "Hutama Karya",
    "description": "Alat cetak perak",
    "unit": "paket",
    "place": "Kantor Bupati Ogan Ilir, Tanjung Senai",
    "giver_name": "Kepala Unit TJSL",
    "giver_position": "Kepala Unit TJSL Hutama Karya",
    "receiver_name": "Ahmad Saputra",
    "receiver_position": "Pemilik usaha",
    "reason": "Revisi RKA",
    "total": 37_650_000,
    "realisation_pct": 18.8,
    "amount": 37_650_000,
    "budget": 200_000_000,
    "unit_value": 1_900_000,
    "capital": 50_000_000,
    "annual_sales": 300_000_000,
    "workers": 3,
    "quantity": "2.50",
    "year": 2023,
    "period": "2023-Q4",
    "period_key": "2023-Q4",
    "language": "id",
    "url": "https://erp.example.co.id/tjsl/events",
    "next": "https://tjsl.example.org/api/v1/handovers/?cursor=cD0yMDIz",
    "previous": None,
}
BY_FORMAT = {
    "date": "2023-11-09",
    "date-time": "2023-11-09T07:05:00Z",
    "uri": "https://tjsl.example.org/api/v1/",
    "uuid": "6f1c2d7e-5b0a-4c55-9a0e-2f3b7c9d1e44",
    "email": "tjsl@example.co.id",
    "decimal": "2.50",
    "binary": "(file)",
    "ipv4": "203.0.113.10",
}


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _fits(value, schema: dict) -> bool:
    kind = schema.get("type")
    if value is None:
        return bool(schema.get("nullable"))
    if "enum" in schema:
        return value in schema["enum"]
    checks = {
        "string": lambda v: (
            isinstance(v, str)
            and len(v) <= schema.get("maxLength", len(v))
            and ("pattern" not in schema or re.search(schema["pattern"], v) is not None)
        ),
        "integer": lambda v: isinstance(v, int) and schema.get("minimum", v) <= v <= schema.get("maximum", v),
        "number": lambda v: isinstance(v, int | float),
        "boolean": lambda v: isinstance(v, bool),
    }
    return checks.get(kind, lambda v: True)(value)


def _scalar(schema: dict, name: str | None):
    kind = schema.get("type")
    if name in BY_NAME and _fits(BY_NAME[name], schema):
        return BY_NAME[name]
    if kind == "string":
        text = BY_FORMAT.get(schema.get("format"), "Contoh")
        return text[: schema["maxLength"]] if "maxLength" in schema else text
    if kind == "integer":
        low = schema.get("minimum", 1)
        return max(low, 1) if schema.get("maximum", 1) >= 1 else low
    if kind == "number":
        low, high = schema.get("minimum", 0), schema.get("maximum", 100)
        return 12.5 if low < 12.5 < high else (low + high) / 2
    if kind == "boolean":
        return True
    return None if kind else {}  # no type at all: any JSON (a payload, an object of figures)


def example_of(schema: dict, components: dict, *, name: str | None = None, depth: int = 0):
    """An example value fitting `schema` (None when none can be made, as for recursion)."""
    if depth > MAX_DEPTH:
        return None
    schema = _resolve(schema, components)
    if "example" in schema:
        return deepcopy(schema["example"])
    if schema.get("enum"):
        return next((value for value in schema["enum"] if value is not None), None)
    for combinator in ("allOf", "oneOf", "anyOf"):
        if schema.get(combinator):
            parts = [_resolve(part, components) for part in schema[combinator]]
            if combinator == "allOf" and all(part.get("type", "object") == "object" for part in parts):
                merged = {"type": "object", "properties": {}, "required": []}
                for part in parts:
                    merged["properties"].update(part.get("properties", {}))
                return example_of(merged, components, name=name, depth=depth)
            return example_of(parts[0], components, name=name, depth=depth)
    if schema.get("type") == "array":
        item = example_of(schema.get("items", {}), components, name=name, depth=depth + 1)
        return [] if item is None else [item]
    if schema.get("type") == "object" or "properties" in schema:
        value = {}
        for field, field_schema in schema.get("properties", {}).items():
            field_value = example_of(field_schema, components, name=field, depth=depth + 1)
            if field_value is not None or _resolve(field_schema, components).get("nullable"):
                value[field] = field_value
        return value
    return _scalar(schema, name)


def is_file(media: dict) -> bool:
    """A download (a PDF, a workbook): the file itself is its own example."""
    return media.get("schema", {}).get("format") == "binary"


def _media_types(container: dict):
    for media_type, media in container.get("content", {}).items():
        if "schema" in media and "example" not in media and "examples" not in media and not is_file(media):
            yield media_type, media


def add_examples(result: dict) -> dict:
    """Give every request body and every successful answer of `result` an example."""
    components = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or method == "parameters":
                continue
            for _media_type, media in _media_types(operation.get("requestBody", {})):
                media["example"] = example_of(media["schema"], components)
            for code, response in operation.get("responses", {}).items():
                if str(code).startswith("2"):
                    for _media_type, media in _media_types(response):
                        media["example"] = example_of(media["schema"], components)
    return result
