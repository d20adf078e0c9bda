// The navigation menu's button on narrow screens: show or hide the menu. Bootstrap's CSS does
// the rest (.collapse:not(.show) is hidden), so its 80 KB script is not needed on every page.
(function () {
  "use strict";
  document.querySelectorAll(".navbar-toggler[aria-controls]").forEach((button) => {
    const menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    button.addEventListener("click", () => {
      const open = menu.classList.toggle("show");
      button.setAttribute("aria-expanded", String(open));
    });
  });
})();
