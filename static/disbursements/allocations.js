// The allocation editor: the sum of the members' amounts against the handover total, and the
// difference said in words, as the amounts are typed. No inline code (CSP).
(function () {
  "use strict";
  const form = document.getElementById("allocation-form");
  if (!form) return;
  const total = Number(form.dataset.total);
  const sum = document.getElementById("allocation-sum");
  const difference = document.getElementById("allocation-difference");
  const rupiah = (n) => "Rp" + n.toLocaleString("id-ID");

  function recompute() {
    let allocated = Number(form.dataset.other || 0);
    let readable = true;
    form.querySelectorAll("input[data-rupiah]").forEach((input) => {
      const value = input.value.trim() === "" ? 0 : window.tjslRupiahValue(input.value);
      if (value === null) readable = false;
      else allocated += value;
    });
    if (!readable) {
      sum.textContent = "–";
      difference.textContent = "–";
      return;
    }
    sum.textContent = rupiah(allocated);
    const gap = total - allocated;
    if (gap === 0) difference.textContent = difference.dataset.balanced;
    else difference.textContent = rupiah(Math.abs(gap)) + " " + (gap > 0 ? difference.dataset.short : difference.dataset.over);
  }

  form.addEventListener("input", recompute);
  form.addEventListener("change", recompute);
  recompute();
})();
