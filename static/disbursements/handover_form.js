// Handover entry: add and remove items and witnesses in place, keep totals current,
// and pick the recipient from the search results. No inline code (CSP).
(function () {
  "use strict";
  const form = document.getElementById("handover-form");
  if (!form) return;
  const rupiah = (n) => "Rp" + Math.round(n).toLocaleString("id-ID");

  function parseNumber(value) {
    // Quantities use a comma as decimal separator ("2,5"); dots group thousands.
    const v = String(value || "").trim().replace(/\s/g, "");
    if (!v) return 0;
    const normal = v.includes(",") ? v.replace(/\./g, "").replace(",", ".") : v;
    const n = Number(normal);
    return Number.isFinite(n) ? n : 0;
  }

  function recompute() {
    let grand = 0;
    form.querySelectorAll("#items-body .item-row").forEach((row) => {
      const deleted = row.querySelector("input[name$='-DELETE']");
      if (deleted && deleted.value === "on") return;
      const qty = parseNumber(row.querySelector("input[name$='-quantity']").value);
      const unit = window.tjslRupiahValue(row.querySelector("input[name$='-unit_value']").value) || 0;
      const total = Math.round(qty * unit);
      grand += total;
      row.querySelector(".item-total").textContent = total ? rupiah(total) : "–";
    });
    document.getElementById("items-grand-total").textContent = rupiah(grand);
  }

  function wireFormset(prefix, bodyId, templateId, addId, rowClass, removeClass) {
    const body = document.getElementById(bodyId);
    const total = form.querySelector(`input[name='${prefix}-TOTAL_FORMS']`);
    document.getElementById(addId).addEventListener("click", () => {
      const index = Number(total.value);
      const html = document.getElementById(templateId).innerHTML.replace(/__prefix__/g, String(index));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      const first = body.lastElementChild.querySelector("input, select");
      if (first) first.focus();
      recompute();
    });
    body.addEventListener("click", (event) => {
      const button = event.target.closest("." + removeClass);
      if (!button) return;
      const row = button.closest("." + rowClass);
      const deleted = row.querySelector("input[name$='-DELETE']");
      deleted.value = "on";
      row.hidden = true;
      recompute();
    });
  }

  wireFormset("items", "items-body", "item-template", "item-add", "item-row", "item-remove");
  wireFormset("witnesses", "witnesses-body", "witness-template", "witness-add", "witness-row", "witness-remove");
  form.addEventListener("input", (event) => {
    if (event.target.closest("#items-body")) recompute();
  });

  // Recipient picked from the htmx search results.
  const results = document.getElementById("recipient-results");
  results.addEventListener("click", (event) => {
    const option = event.target.closest("[data-recipient]");
    if (!option) return;
    form.querySelector("input[name='recipient']").value = option.dataset.recipient;
    const chosen = document.getElementById("recipient-chosen");
    chosen.textContent = "";
    const strong = document.createElement("strong");
    strong.textContent = option.dataset.label;
    chosen.append(chosen.dataset.chosen + " ", strong);
    results.innerHTML = "";
  });
  recompute();
})();
