"""Write one simple 24x24 line icon per `icon` name in models.catalogue.KINDS.

Run from the project root: python resources/icons/make_icons.py
Icons are plain SVG strokes in dark grey so they stay crisp at any scale and read on every kind
colour. Keep them simple: they are drawn at 20-28 px on the canvas and in the palette.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from models.catalogue import KINDS  # noqa: E402

PERSON = '<circle cx="12" cy="7" r="3.2"/><path d="M5.5 20c0-4 2.8-6.5 6.5-6.5s6.5 2.5 6.5 6.5"/>'

SHAPES = {
    "route-self": PERSON,
    "route-gp": '<rect x="4" y="4" width="16" height="16" rx="3"/><path d="M12 8v8M8 12h8"/>',
    "route-hospital": '<path d="M4 20V6h16v14M3 20h18"/><path d="M9 9v7M15 9v7M9 12.5h6"/>',
    "route-custody": '<path d="M12 3l7 3v5c0 4.5-3 8-7 10-4-2-7-5.5-7-10V6z"/>'
                     '<path d="M9 12l2 2 4-4"/>',
    "route-probation": '<rect x="5" y="4" width="14" height="17" rx="2"/>'
                       '<path d="M9 4V2.8h6V4M8.5 10h7M8.5 14h7M8.5 18h4"/>',
    "route-prison": '<rect x="4" y="4" width="16" height="16" rx="1"/>'
                    '<path d="M8.5 4v16M12 4v16M15.5 4v16"/>',
    "route-young-people": '<circle cx="8" cy="7" r="2.6"/>'
                          '<path d="M3 19c0-3.5 2-5.5 5-5.5s5 2 5 5.5"/>'
                          '<circle cx="17" cy="10" r="2"/>'
                          '<path d="M13.5 20c0-2.6 1.5-4 3.5-4s3.5 1.4 3.5 4"/>',
    "route-other": '<path d="M4 12h14M13 7l5 5-5 5"/>',
    "service-access": '<path d="M12 21V3"/>'
                      '<path d="M12 5h7l2 2.5-2 2.5h-7M12 12H5l-2 2.5L5 17h7"/>',
    "service-outreach": '<path d="M12 21s-6.5-6-6.5-11a6.5 6.5 0 0113 0c0 5-6.5 11-6.5 11z"/>'
                        '<circle cx="12" cy="10" r="2.3"/>',
    "service-harm-reduction": '<path d="M12 3c3 4.5 6 8 6 11.2A6 6 0 016 14.2C6 11 9 7.5 12 3z"/>',
    "service-adult-treatment": '<rect x="3" y="8.5" width="18" height="7" rx="3.5" '
                               'transform="rotate(-35 12 12)"/><path d="M9.6 8.6l4.8 6.8"/>',
    "service-young-people": '<circle cx="12" cy="8" r="2.8"/>'
                            '<path d="M7 20c0-3.6 2.2-6 5-6s5 2.4 5 6"/>'
                            '<path d="M18.5 3.5l.8 1.7 1.7.8-1.7.8-.8 1.7-.8-1.7-1.7-.8 1.7-.8z"/>',
    "service-criminal-justice": '<path d="M12 4v16M8 20h8M5 7h14"/>'
                                '<path d="M5 7l-2.5 6a2.5 2 0 005 0zM19 7l-2.5 6a2.5 2 0 005 0z"/>',
    "service-shared-care": '<rect x="7" y="7" width="10" height="14" rx="2"/>'
                           '<path d="M8 3.5h8V7H8zM12 11v6M9 14h6"/>',
    "service-mental-health": '<path d="M4 5h16v10H10l-4 4v-4H4z"/><path d="M8 10h8"/>',
    "service-alcohol-care": '<path d="M7 3h10l-1 7a4 4 0 01-8 0z"/><path d="M12 14v6M8.5 20.5h7"/>',
    "service-detox": '<path d="M3 18V7M3 14h18v4M21 14v-2a3 3 0 00-3-3h-7v5"/>'
                     '<circle cx="7" cy="11" r="1.8"/>',
    "service-rehab": '<path d="M3.5 11L12 4l8.5 7"/><path d="M6 9.5V20h12V9.5"/>'
                     '<path d="M10 20v-5h4v5"/>',
    "service-recovery": '<path d="M12 21v-9"/><path d="M12 13c0-4 2.5-7 7-7 0 4.5-3 7-7 7z"/>'
                        '<path d="M12 16c0-3-2-5.5-6-5.5 0 3.5 2.5 5.5 6 5.5z"/>',
    "service-employment": '<rect x="3" y="8" width="18" height="12" rx="2"/>'
                          '<path d="M9 8V5.5h6V8M3 13h18"/>',
    "service-family": '<circle cx="7" cy="7" r="2.4"/><circle cx="17" cy="7" r="2.4"/>'
                      '<circle cx="12" cy="12" r="1.9"/>'
                      '<path d="M2.5 18c0-3.3 2-5.3 4.5-5.3M21.5 18c0-3.3-2-5.3-4.5-5.3'
                      'M8.5 21c0-2.6 1.5-4.3 3.5-4.3s3.5 1.7 3.5 4.3"/>',
    "service-other": '<circle cx="12" cy="12" r="8.5"/><circle cx="8" cy="12" r=".8"/>'
                     '<circle cx="12" cy="12" r=".8"/><circle cx="16" cy="12" r=".8"/>',
    "exit": '<path d="M13 4H5v16h8"/><path d="M10 12h11M17 8l4 4-4 4"/>',
}

TEMPLATE = ('<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24" '
            'fill="none" stroke="#2b2b2b" stroke-width="1.6" stroke-linecap="round" '
            'stroke-linejoin="round">{}</svg>\n')


def main() -> None:
    needed = {k.icon for k in KINDS.values()}
    missing = needed - SHAPES.keys()
    if missing:
        raise SystemExit(f"no icon drawn for: {', '.join(sorted(missing))}")
    for name in sorted(needed):
        (HERE / f"{name}.svg").write_text(TEMPLATE.format(SHAPES[name]), encoding="utf-8")
    print(f"wrote {len(needed)} icons to {HERE}")


if __name__ == "__main__":
    main()
