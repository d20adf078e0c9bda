// Rupiah inputs (data-rupiah): the digits are grouped the Indonesian way ("12.500.000") when
// the field is left, so the amount reads as it does everywhere else. A value that is not a
// whole number of rupiah is left as typed, for the server to explain.
(function () {
  "use strict";
  const WHOLE = /^(?:\d+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+)$/;

  function rupiahValue(text) {
    const v = String(text || "").trim().replace(/^rp/i, "").replace(/\s/g, "");
    if (!WHOLE.test(v)) return null;
    return Number(v.replace(/[.,]/g, ""));
  }

  function group(input) {
    const value = rupiahValue(input.value);
    if (value !== null) input.value = value.toLocaleString("id-ID");
  }

  document.addEventListener("change", (event) => {
    if (event.target.matches("input[data-rupiah]")) group(event.target);
  });
  document.querySelectorAll("input[data-rupiah]").forEach(group);
  window.tjslRupiahValue = rupiahValue;
})();
