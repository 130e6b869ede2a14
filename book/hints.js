// The hints' headings stay out of the sidebar's list of a page's sections. mdbook lists every
// heading that starts with a link, collapsed <details> included; a hint's heading keeps its text
// and loses its link, so the hints stay folded and out of the outline until the reader opens them.
for (const link of document.querySelectorAll("details a.header")) {
    link.replaceWith(...link.childNodes);
}
