// A list filter offered as a drop-down (countries): choosing an option opens its list.
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll(".select-filter select")) {
    select.addEventListener("change", () => { window.location.href = select.value; });
  }
});
