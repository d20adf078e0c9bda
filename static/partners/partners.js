// District choices follow the chosen regency on the partner form.
(function () {
  "use strict";
  var regency = document.getElementById("id_regency");
  var district = document.getElementById("id_district");
  if (!regency || !district || !regency.dataset.districtsUrl) {
    return;
  }
  regency.addEventListener("change", function () {
    var url = regency.dataset.districtsUrl + "?regency=" + encodeURIComponent(regency.value);
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) { district.innerHTML = html; });
  });
})();

// On the partner list, a new province reloads the page so that its regencies are offered.
(function () {
  "use strict";
  var province = document.querySelector(".partners-filters #id_province");
  if (!province) {
    return;
  }
  province.addEventListener("change", function () {
    var regency = document.getElementById("id_regency");
    if (regency) {
      regency.value = "";
    }
    province.form.submit();
  });
})();
