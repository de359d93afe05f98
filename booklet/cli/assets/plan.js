// The "New action plan" page: move focus to the error summary when the form comes back with
// errors (as GOV.UK's error summary does), so a screen reader announces it and Tab reaches its links.
"use strict";
const summary = document.getElementById("error-summary");
if (summary) summary.focus();
for (const link of document.querySelectorAll(".error-summary a")) {
  // Move to the field itself (its label scrolled into view), not just the anchor.
  link.addEventListener("click", (event) => {
    const field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.focus();
    const label = document.querySelector("label[for='" + field.id + "']");
    (field.closest("fieldset") || label || field).scrollIntoView();
  });
}
