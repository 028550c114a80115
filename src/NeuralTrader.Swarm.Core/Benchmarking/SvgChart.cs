using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;

namespace NeuralTrader.Swarm.Core.Benchmarking
{
    /// <summary>A named series of values for a bar chart (one value per category).</summary>
    internal sealed class BarSeries
    {
        public BarSeries(string name, IReadOnlyList<double> values, string? color = null)
        {
            Name = name;
            Values = values;
            Color = color;
        }

        public string Name { get; }
        public string? Color { get; }
        public IReadOnlyList<double> Values { get; }
    }

    /// <summary>A named line of (x, y) points; x is a position on a shared numeric axis (e.g. days).</summary>
    internal sealed class LineSeries
    {
        public LineSeries(string name, IReadOnlyList<KeyValuePair<double, double>> points, IReadOnlyList<string> labels, string? color = null)
        {
            Name = name;
            Points = points;
            Labels = labels;
            Color = color;
        }

        public string Name { get; }
        public string? Color { get; }
        public IReadOnlyList<KeyValuePair<double, double>> Points { get; }
        public IReadOnlyList<string> Labels { get; }
    }

    /// <summary>
    /// Renders charts as inline SVG text: no scripts, no network, so the HTML report opens anywhere. Every
    /// chart is an &lt;svg data-chart="id"&gt;; every series a &lt;g data-series="name"&gt; whose marks carry
    /// data-value, so tests (and users) can read the numbers back from the DOM.
    /// </summary>
    internal static class SvgChart
    {
        public static readonly string[] Palette = { "#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d" };

        private const int Width = 600;
        private const int Height = 320;
        private const int Left = 64;
        private const int Right = 16;
        private const int Top = 40;
        private const int Bottom = 56;

        public static string Bars(string id, string title, IReadOnlyList<string> categories, IReadOnlyList<BarSeries> series,
            Func<double, string> format, double? threshold = null, string? thresholdLabel = null, double? fixedMax = null)
        {
            var sb = new StringBuilder();
            Open(sb, id, title, "bar");
            double max = series.SelectMany(s => s.Values).DefaultIfEmpty(0).Max();
            if (threshold.HasValue && threshold.Value <= Math.Max(max, 1e-9) * 1.5)
                max = Math.Max(max, threshold.Value);
            if (fixedMax.HasValue)
                max = fixedMax.Value;
            var ticks = NiceTicks(0, max <= 0 ? 1 : max, 5);
            double top = ticks[ticks.Count - 1];
            double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
            Func<double, double> y = v => Top + plotH - (Math.Max(0, v) / top) * plotH;
            Axes(sb, ticks, y, format);

            int cats = Math.Max(1, categories.Count);
            double band = plotW / cats;
            double groupW = band * 0.78;
            double barW = groupW / Math.Max(1, series.Count);
            for (int c = 0; c < categories.Count; c++)
            {
                double cx = Left + band * c + band / 2;
                sb.AppendFormat(CultureInfo.InvariantCulture, "<text class=\"cat\" x=\"{0:0.#}\" y=\"{1}\" text-anchor=\"middle\">{2}</text>\n",
                    cx, Height - Bottom + 18, E(categories[c]));
            }
            for (int s = 0; s < series.Count; s++)
            {
                var color = series[s].Color ?? Palette[s % Palette.Length];
                sb.AppendFormat("<g data-series=\"{0}\" fill=\"{1}\">\n", E(series[s].Name), color);
                for (int c = 0; c < categories.Count && c < series[s].Values.Count; c++)
                {
                    double v = series[s].Values[c];
                    double x0 = Left + band * c + (band - groupW) / 2 + barW * s;
                    double y0 = y(v);
                    double h = Math.Max(0.5, Top + plotH - y0);
                    sb.AppendFormat(CultureInfo.InvariantCulture,
                        "<rect x=\"{0:0.##}\" y=\"{1:0.##}\" width=\"{2:0.##}\" height=\"{3:0.##}\" rx=\"2\" data-category=\"{4}\" data-value=\"{5}\"><title>{6} · {7}: {8}</title></rect>\n",
                        x0 + 1, Top + plotH - h, Math.Max(1, barW - 2), h, E(categories[c]), R(v), E(categories[c]), E(series[s].Name), E(format(v)));
                    if (categories.Count * series.Count <= 16)
                    {
                        sb.AppendFormat(CultureInfo.InvariantCulture, "<text class=\"val\" x=\"{0:0.##}\" y=\"{1:0.##}\" text-anchor=\"middle\">{2}</text>\n",
                            x0 + barW / 2, Top + plotH - h - 4, E(format(v)));
                    }
                }
                sb.Append("</g>\n");
            }
            if (threshold.HasValue)
            {
                if (threshold.Value <= top)
                {
                    double ty = y(threshold.Value);
                    sb.AppendFormat(CultureInfo.InvariantCulture,
                        "<g data-threshold=\"{0}\"><line x1=\"{1}\" x2=\"{2}\" y1=\"{3:0.##}\" y2=\"{3:0.##}\" class=\"threshold\"/><text class=\"thr\" x=\"{5}\" y=\"{4:0.##}\" text-anchor=\"start\">{6}</text></g>\n",
                        R(threshold.Value), Left, Width - Right, ty, ty < Top + 14 ? ty + 14 : ty - 5, Left + 4, E(thresholdLabel ?? "threshold " + format(threshold.Value)));
                }
                else
                {
                    sb.AppendFormat(CultureInfo.InvariantCulture,
                        "<g data-threshold=\"{0}\"><text class=\"thr\" x=\"{1}\" y=\"{2}\" text-anchor=\"end\">{3} (above the scale)</text></g>\n",
                        R(threshold.Value), Width - Right, Top - 4, E(thresholdLabel ?? "threshold " + format(threshold.Value)));
                }
            }
            Legend(sb, series.Select((s, i) => new KeyValuePair<string, string>(s.Name, s.Color ?? Palette[i % Palette.Length])).ToList());
            sb.Append("</svg>\n");
            return sb.ToString();
        }

        public static string Lines(string id, string title, IReadOnlyList<LineSeries> series, Func<double, string> yFormat,
            Func<double, string> xFormat, double? baseline = null)
        {
            var sb = new StringBuilder();
            Open(sb, id, title, "line");
            var all = series.SelectMany(s => s.Points).ToList();
            double xmin = all.Count > 0 ? all.Min(p => p.Key) : 0, xmax = all.Count > 0 ? all.Max(p => p.Key) : 1;
            double ymin = all.Count > 0 ? all.Min(p => p.Value) : 0, ymax = all.Count > 0 ? all.Max(p => p.Value) : 1;
            if (baseline.HasValue)
            {
                ymin = Math.Min(ymin, baseline.Value);
                ymax = Math.Max(ymax, baseline.Value);
            }
            if (xmax <= xmin) xmax = xmin + 1;
            if (ymax <= ymin) { ymax += 1; ymin -= 1; }
            var ticks = NiceTicks(ymin, ymax, 5);
            double lo = ticks[0], hi = ticks[ticks.Count - 1];
            double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
            Func<double, double> y = v => Top + plotH - (v - lo) / (hi - lo) * plotH;
            Func<double, double> x = v => Left + (v - xmin) / (xmax - xmin) * plotW;
            Axes(sb, ticks, y, yFormat);
            for (int i = 0; i <= 4; i++)
            {
                double xv = xmin + (xmax - xmin) * i / 4;
                sb.AppendFormat(CultureInfo.InvariantCulture, "<text class=\"cat\" x=\"{0:0.#}\" y=\"{1}\" text-anchor=\"{2}\">{3}</text>\n",
                    x(xv), Height - Bottom + 18, i == 0 ? "start" : i == 4 ? "end" : "middle", E(xFormat(xv)));
            }
            if (baseline.HasValue && baseline.Value >= lo && baseline.Value <= hi)
                sb.AppendFormat(CultureInfo.InvariantCulture, "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:0.##}\" y2=\"{2:0.##}\" class=\"base\"/>\n", Left, Width - Right, y(baseline.Value));
            for (int s = 0; s < series.Count; s++)
            {
                var pts = series[s].Points;
                var color = series[s].Color ?? Palette[s % Palette.Length];
                var path = new StringBuilder();
                foreach (var p in pts)
                    path.AppendFormat(CultureInfo.InvariantCulture, "{0:0.##},{1:0.##} ", x(p.Key), y(p.Value));
                double last = pts.Count > 0 ? pts[pts.Count - 1].Value : 0;
                sb.AppendFormat(CultureInfo.InvariantCulture,
                    "<g data-series=\"{0}\" data-points=\"{1}\" data-last=\"{2}\"><polyline fill=\"none\" stroke=\"{3}\" stroke-width=\"2\" points=\"{4}\"><title>{5}: {6} at {7}</title></polyline></g>\n",
                    E(series[s].Name), pts.Count, R(last), color, path.ToString().TrimEnd(), E(series[s].Name), E(yFormat(last)),
                    E(series[s].Labels.Count > 0 ? series[s].Labels[series[s].Labels.Count - 1] : ""));
            }
            Legend(sb, series.Select((s, i) => new KeyValuePair<string, string>(s.Name, s.Color ?? Palette[i % Palette.Length])).ToList());
            sb.Append("</svg>\n");
            return sb.ToString();
        }

        private static void Open(StringBuilder sb, string id, string title, string kind)
        {
            sb.AppendFormat(CultureInfo.InvariantCulture,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"{0}\" data-kind=\"{1}\" viewBox=\"0 0 {2} {3}\" width=\"{2}\" height=\"{3}\" role=\"img\" aria-label=\"{4}\">\n",
                E(id), kind, Width, Height, E(title));
            sb.AppendFormat(CultureInfo.InvariantCulture, "<text class=\"title\" x=\"{0}\" y=\"22\">{1}</text>\n", Left - 50, E(title));
        }

        private static void Axes(StringBuilder sb, IReadOnlyList<double> ticks, Func<double, double> y, Func<double, string> format)
        {
            foreach (var t in ticks)
            {
                double ty = y(t);
                sb.AppendFormat(CultureInfo.InvariantCulture, "<line class=\"grid\" x1=\"{0}\" x2=\"{1}\" y1=\"{2:0.##}\" y2=\"{2:0.##}\"/>", Left, Width - Right, ty);
                sb.AppendFormat(CultureInfo.InvariantCulture, "<text class=\"tick\" x=\"{0}\" y=\"{1:0.##}\" text-anchor=\"end\">{2}</text>\n", Left - 6, ty + 4, E(format(t)));
            }
            sb.AppendFormat(CultureInfo.InvariantCulture, "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>\n", Left, Top, Height - Bottom);
        }

        private static void Legend(StringBuilder sb, IReadOnlyList<KeyValuePair<string, string>> entries)
        {
            var names = entries.Select(e => e.Key).ToList();
            double x = Left;
            double yy = Height - 14;
            for (int i = 0; i < names.Count; i++)
            {
                sb.AppendFormat(CultureInfo.InvariantCulture, "<rect x=\"{0:0.#}\" y=\"{1:0.#}\" width=\"10\" height=\"10\" rx=\"2\" fill=\"{2}\"/><text class=\"legend\" x=\"{3:0.#}\" y=\"{4:0.#}\">{5}</text>\n",
                    x, yy - 9, entries[i].Value, x + 14, yy, E(names[i]));
                x += 24 + names[i].Length * 6.6;
            }
        }

        /// <summary>Round tick values covering [min, max] (Heckbert's nice numbers).</summary>
        internal static List<double> NiceTicks(double min, double max, int count)
        {
            double range = Nice(max - min, false);
            double step = Nice(range / Math.Max(1, count - 1), true);
            double lo = Math.Floor(min / step) * step, hi = Math.Ceiling(max / step) * step;
            var ticks = new List<double>();
            for (double v = lo; v <= hi + step / 2; v += step)
                ticks.Add(Math.Abs(v) < step * 1e-9 ? 0 : v);
            if (ticks.Count < 2)
                ticks.Add(lo + step);
            return ticks;
        }

        private static double Nice(double value, bool round)
        {
            if (value <= 0)
                return 1;
            double exp = Math.Floor(Math.Log10(value));
            double f = value / Math.Pow(10, exp);
            double nf = round ? (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) : (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10);
            return nf * Math.Pow(10, exp);
        }

        internal static string E(string s) => WebUtility.HtmlEncode(s);

        private static string R(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
    }
}
