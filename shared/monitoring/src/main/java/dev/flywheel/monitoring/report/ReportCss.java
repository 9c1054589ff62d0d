package dev.flywheel.monitoring.report;

/** The report's inline style sheet: system fonts only, colour-blind-safe colours (Okabe-Ito), a print layout. */
final class ReportCss {
    static final String CSS = """
            :root { --drift: #B8410B; --ok: #1F5F8B; --ink: #1d1d1f; --muted: #5f6368; --rule: #d9dce1; }
            * { box-sizing: border-box; }
            body { margin: 0; color: var(--ink); background: #fff;
                   font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
            main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 40px; }
            h1 { font-size: 22px; margin: 0 0 12px; }
            h2 { font-size: 18px; margin: 28px 0 10px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
            h3 { font-size: 15px; margin: 0 0 8px; overflow-wrap: anywhere; }
            .muted { color: var(--muted); }
            .badge { display: inline-block; padding: 3px 10px; border-radius: 4px; font-weight: 700;
                     letter-spacing: .04em; color: #fff; border: 2px solid transparent; font-size: 15px;
                     -webkit-print-color-adjust: exact; print-color-adjust: exact; vertical-align: middle; }
            .badge.small { font-size: 11px; padding: 1px 6px; border-width: 1px; }
            .badge.drift { background: var(--drift); border-color: var(--drift); }
            .badge.ok { background: var(--ok); border-color: var(--ok); }
            .summary { border: 1px solid var(--rule); border-radius: 6px; padding: 14px 18px; }
            .verdict { display: flex; gap: 14px; align-items: center; margin-bottom: 10px; }
            .verdict .badge { font-size: 18px; padding: 4px 14px; }
            .reason { margin: 0; font-size: 15px; }
            dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
            dl.facts dt { font-weight: 600; color: var(--muted); }
            dl.facts dd { margin: 0; }
            .table-wrap { overflow-x: auto; }
            table.features { border-collapse: collapse; width: 100%; font-size: 12.5px;
                             font-variant-numeric: tabular-nums; }
            table.features th, table.features td { padding: 4px 7px; border-bottom: 1px solid var(--rule);
                                                   text-align: right; white-space: nowrap; }
            table.features thead th { background: #f3f4f6; position: sticky; top: 0; text-align: right;
                                      vertical-align: bottom; white-space: normal; }
            table.features th[scope=row], table.features thead th:nth-child(-n+4) { text-align: left; }
            table.features th[scope=row] { max-width: 220px; overflow: hidden; text-overflow: ellipsis; }
            table.features td:nth-child(2), table.features td:nth-child(3), table.features td:nth-child(4) {
                text-align: left; }
            table.features tr.drifted th[scope=row] { box-shadow: inset 4px 0 0 var(--drift); }
            a { color: inherit; }
            section.feature { border: 1px solid var(--rule); border-radius: 6px; padding: 12px 16px; margin: 0 0 14px;
                              break-inside: avoid; page-break-inside: avoid; }
            section.feature.drifted { border-left: 5px solid var(--drift); }
            section.feature .body { display: flex; flex-wrap: wrap; gap: 8px 24px; align-items: flex-start; }
            figure { margin: 0; flex: 0 1 640px; min-width: 0; }
            svg.chart { display: block; max-width: 100%; height: auto; }
            svg.chart text { font: 11px system-ui, "DejaVu Sans", Arial, sans-serif; fill: #333; }
            svg.chart .tick { text-anchor: end; fill: var(--muted); }
            svg.chart .grid { stroke: #e6e8eb; }
            svg.chart .axis { stroke: #555; }
            svg.chart rect.baseline { fill: #0072B2; }
            svg.chart rect.current { fill: #E69F00; }
            svg.chart .empty { text-anchor: middle; font-style: italic; fill: var(--muted); }
            svg.chart, .badge { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
            dl.stats { display: grid; grid-template-columns: max-content auto; gap: 3px 14px; margin: 6px 0;
                       font-size: 13px; font-variant-numeric: tabular-nums; flex: 1 1 280px; }
            dl.stats dt { color: var(--muted); }
            dl.stats dd { margin: 0; }
            footer { margin-top: 24px; font-size: 12px; }
            @media print {
              body { font-size: 11px; }
              main { max-width: none; padding: 0; }
              table.features { font-size: 9.5px; }
              table.features thead th { position: static; }
              .table-wrap { overflow: visible; }
              h2 { break-after: avoid; page-break-after: avoid; }
              a { text-decoration: none; }
            }
            """;

    private ReportCss() {
    }
}
