"""A generic check that every hint and error message on a page is read with its field.

Screen readers read a field's description only through ``aria-describedby``, and only when every id it names
exists. ``describedby_problems(html)`` lists what is wrong with a page: ids named by an ``aria-describedby``
that are not on the page, duplicate ids, and hints or error messages inside a form that no field points to
(neither the element itself nor an ancestor of it is named by any ``aria-describedby``).
"""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
DESCRIPTION_CLASSES = {"hint", "error-message"}


class _Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: _Node | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.text = ""

    def ancestors_and_self(self):
        node = self
        while node is not None:
            yield node
            node = node.parent


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[_Node] = []
        self.nodes: list[_Node] = []

    def handle_starttag(self, tag, attrs):
        node = _Node(
            tag, {name: value or "" for name, value in attrs}, self.stack[-1] if self.stack else None
        )
        self.nodes.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        node = _Node(
            tag, {name: value or "" for name, value in attrs}, self.stack[-1] if self.stack else None
        )
        self.nodes.append(node)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        for node in self.stack:
            node.text += data


def describedby_problems(html: str) -> list[str]:
    collector = _Collector()
    collector.feed(html)
    ids: dict[str, int] = {}
    for node in collector.nodes:
        if node.attrs.get("id"):
            ids[node.attrs["id"]] = ids.get(node.attrs["id"], 0) + 1
    named: set[str] = set()
    problems = [f"id “{name}” appears {count} times" for name, count in ids.items() if count > 1]
    for node in collector.nodes:
        for name in node.attrs.get("aria-describedby", "").split():
            named.add(name)
            if name not in ids:
                label = node.attrs.get("name") or node.attrs.get("id") or node.tag
                problems.append(
                    f"<{node.tag} {label}> aria-describedby names “{name}”, which is not on the page"
                )
    for node in collector.nodes:
        classes = set(node.attrs.get("class", "").split())
        if not classes & DESCRIPTION_CLASSES or node.tag == "label":
            continue  # a label styled as a hint is read as the field's name already
        if node.attrs.get("role") == "status" or node.attrs.get("aria-live"):
            continue  # a live region speaks by itself
        chain = list(node.ancestors_and_self())
        if not any(ancestor.tag == "form" for ancestor in chain):
            continue  # page-level notes, not a field's description
        if not any(ancestor.attrs.get("id") in named for ancestor in chain if ancestor.attrs.get("id")):
            problems.append(
                f"“{' '.join(node.text.split())[:60]}” ({'/'.join(sorted(classes))}) is read by no field"
            )
    return problems
