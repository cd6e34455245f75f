/// The inline stylesheet of every report: readable on screen, printable (no backgrounds needed,
/// charts kept whole across pages), no external fonts or images.
enum ReportStylesheet {
    static let css = """
        :root { color-scheme: light; }
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1a1a1a;
               background: #fff; max-width: 1100px; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.45; }
        h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
        h2 { font-size: 1.3rem; border-bottom: 2px solid #0072B2; padding-bottom: 0.2rem; margin-top: 2rem; }
        p.meta { color: #444; margin-top: 0; }
        p.note, figcaption .note { color: #6b3a00; }
        table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.92rem; }
        caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
        th, td { border: 1px solid #bbb; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
        th { background: #eef3f8; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .status-ok { color: #00603f; font-weight: 700; }
        .status-bad { color: #a12a00; font-weight: 700; }
        figure.chart { margin: 1rem 0; break-inside: avoid; page-break-inside: avoid; }
        figure.chart svg { max-width: 100%; height: auto; font-size: 12px; }
        figcaption { font-size: 0.9rem; color: #333; }
        svg text { fill: #222; }
        svg .limit { stroke: #a12a00; stroke-width: 2.5; }
        svg .empty { fill: #666; font-style: italic; }
        section { break-inside: auto; }
        @media print {
          body { margin: 0; max-width: none; font-size: 10pt; }
          h2 { break-after: avoid; page-break-after: avoid; }
          th { background: none; }
        }
        """
}
