"""Turns the router's role -> sections table into `st.navigation` pages, including the logged-out aliases."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import streamlit as st


@dataclass(frozen=True)
class PageSpec:
    """One page of the menu: its script under `pages/`, the menu title, a Material icon and its URL path."""

    script: str
    title: str
    icon: str
    url_path: str

    def page(self, *, role: Literal["menu", "default", "alias"] = "menu") -> st.Page:
        """The menu's page; "default": the same page served at `/` (its url path gets `DEFAULT_PAGE_SUFFIX`, which
        only keeps it unique); "alias": a hidden page at the spec's own url path."""
        # Relative to app.py, which is how `st.switch_page("pages/...")` names pages too.
        if role == "default":
            return st.Page(
                self.script,
                title=self.title,
                icon=self.icon,
                url_path=self.url_path + DEFAULT_PAGE_SUFFIX,
                default=True,
            )
        hidden = "hidden" if role == "alias" else "visible"
        return st.Page(self.script, title=self.title, icon=self.icon, url_path=self.url_path, visibility=hidden)


Sections = Mapping[str, Sequence[PageSpec]]
DEFAULT_PAGE_SUFFIX = "-default"


# url_path -> page script of every page the router has built, so a link stored as a URL (an insight's
# action item, `/pricing?product=<id>`) can become an in-app `st.page_link`. The table is the same for
# every session (the router's table is static), so a module-level dict is safe.
_SCRIPTS: dict[str, str] = {}


def build_sections(sections: Sections) -> dict[str, list[st.Page]]:
    """The `st.navigation` sections of a role; the first page is the default one, served at `/`.

    Streamlit serves the default page only at `/`, so its own address (`/home`, which e-mails, notifications and
    bookmarks use) would open "Page not found". The first page is therefore built twice from the same script: the
    default one (menu item, `/`) and a hidden one at its own address.
    """
    for specs in sections.values():
        for spec in specs:
            _SCRIPTS[spec.url_path] = spec.script
    built = {section: [spec.page() for spec in specs] for section, specs in sections.items()}
    for section, specs in sections.items():
        if specs:
            built[section][0] = specs[0].page(role="default")
            built[section].append(specs[0].page(role="alias"))
        break
    return built


def script_for(url_path: str) -> str | None:
    """The page script behind a URL path of the menu (`"pricing"` → `"pages/seller/pricing_tool.py"`), if any."""
    return _SCRIPTS.get(url_path.strip("/"))


def with_badge(sections: Sections, url_path: str, count: int) -> Sections:
    """A copy of `sections` whose page at `url_path` shows `count` as a red badge beside its title (none at 0).

    `st.Page` has no badge, but its title takes Markdown directives (FIELD-NOTES): "Insights :red-badge[3]".
    The URL path is set explicitly on every page, so the changing title never changes the address.
    """
    if count <= 0:
        return sections
    badge = f" :red-badge[{count if count < 100 else '99+'}]"
    return {
        section: [replace(spec, title=spec.title + badge) if spec.url_path == url_path else spec for spec in specs]
        for section, specs in sections.items()
    }


def all_url_paths(role_sections: Mapping[str, Sections]) -> list[str]:
    """Every page URL of every role, once each (in menu order)."""
    seen: dict[str, None] = {}
    for sections in role_sections.values():
        for specs in sections.values():
            for spec in specs:
                seen.setdefault(spec.url_path, None)
    return list(seen)


def single_page_with_aliases(
    show: Callable[[], None], *, title: str, icon: str, url_path: str, aliases: Sequence[str]
) -> list[st.Page]:
    """One visible page plus hidden copies at `aliases`.

    A logged-out visitor who reloads `/home` (or follows a bookmark) lands on the login form instead
    of Streamlit's "page not found" dialog, and is on the right URL once logged in.
    """
    pages = [st.Page(show, title=title, icon=icon, url_path=url_path, default=True)]
    pages += [
        st.Page(show, title=title, icon=icon, url_path=alias, visibility="hidden")
        for alias in aliases
        if alias != url_path
    ]
    return pages
