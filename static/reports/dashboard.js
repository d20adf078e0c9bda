// The dashboard's period: the from/to fields show only for a custom range (without this
// script they are always shown, and a range typed there still applies).
(function () {
  "use strict";
  const period = document.getElementById("id_period");
  if (!period) return;
  const show = function () {
    document.querySelectorAll(".dashboard-custom-period").forEach(function (box) {
      box.hidden = period.value !== "custom";
    });
  };
  period.addEventListener("change", show);
  show();
})();
