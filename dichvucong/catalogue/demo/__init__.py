"""Demo data of the catalogue (the JSON files here are read by ``core.demo``).

``load_demo()`` is called by ``load_demo_data`` after the procedures exist: it loads the downloadable
declarations (``catalogue/data/forms.json``) the demo procedures' components point at, and any search
synonym of ``catalogue/data/synonyms.json`` the migration did not add yet.
"""

from __future__ import annotations


def load_demo() -> dict[str, int]:
    from dichvucong.catalogue.services import form_templates_load, synonyms_load

    return {"form_templates": form_templates_load(), "search_synonyms_added": synonyms_load()}
