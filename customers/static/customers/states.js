// An address's state: a list of WooCommerce's states where the address's country has one, typed otherwise.
// The list follows the country as it is changed (the page is rendered with the stored country's).
document.addEventListener("DOMContentLoaded", async () => {
  const fields = [...document.querySelectorAll("[data-states-for]")];
  if (!fields.length) return;
  const states = await (await fetch(fields[0].dataset.statesUrl)).json();
  for (const field of fields) {
    const country = document.getElementById(field.dataset.statesFor);
    if (!country) continue;
    country.addEventListener("change", () => {
      const current = document.getElementById(field.id);
      current.replaceWith(stateField(current, states[country.value] || []));
    });
  }
});

function stateField(current, list) {
  let field;
  if (list.length) {
    field = document.createElement("select");
    field.add(new Option("—", ""));
    for (const [code, name] of list) field.add(new Option(name, code));
    // A state of the list stays chosen; anything else (another country's state) is let go.
    field.value = list.some(([code]) => code === current.value) ? current.value : "";
  } else {
    field = document.createElement("input");
    field.type = "text";
    field.className = "vTextField";
    // A state chosen from another country's list means nothing here.
    field.value = current.tagName === "SELECT" ? "" : current.value;
  }
  field.name = current.name;
  field.id = current.id;
  for (const [key, value] of Object.entries(current.dataset)) field.dataset[key] = value;
  return field;
}
