using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Benchmarking;
using Xunit.Abstractions;

namespace NeuralTrader.Swarm.Core.Tests.Benchmarking
{
    /// <summary>
    /// Skips when Chromium is missing, unless NEURALTRADER_REQUIRE_CHROMIUM=1 (CI installs Debian's chromium).
    /// </summary>
    public sealed class ChromiumFactAttribute : FactAttribute
    {
        public ChromiumFactAttribute()
        {
            if (Chromium.Path == null && Environment.GetEnvironmentVariable("NEURALTRADER_REQUIRE_CHROMIUM") != "1")
                Skip = "Chromium not found (apt-get install chromium, or set CHROMIUM_PATH).";
        }
    }

    internal static class Chromium
    {
        public static string? Path { get; } = Find();

        private static string? Find()
        {
            var env = Environment.GetEnvironmentVariable("CHROMIUM_PATH");
            if (!string.IsNullOrEmpty(env) && File.Exists(env))
                return env;
            return new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);
        }

        /// <summary>Runs headless Chromium with a fresh profile, no network services; returns stdout.</summary>
        public static async Task<string> RunAsync(params string[] args)
        {
            var profile = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nt-chromium-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(profile);
            var psi = new ProcessStartInfo(Path ?? throw new InvalidOperationException("Chromium not found."))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                         "--user-data-dir=" + profile }.Concat(args))
            {
                psi.ArgumentList.Add(a);
            }

            try
            {
                using var process = Process.Start(psi)!;
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(120_000))
                {
                    process.Kill(true);
                    throw new TimeoutException("Chromium did not finish in 120 s.");
                }
                await Task.WhenAll(stdout, stderr);
                return stdout.Result;
            }
            finally
            {
                try { Directory.Delete(profile, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }

    public sealed class HtmlChromiumTests : IDisposable
    {
        private readonly ITestOutputHelper _output;
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "nt-html-" + Guid.NewGuid().ToString("N"));

        public HtmlChromiumTests(ITestOutputHelper output) => _output = output;

        public void Dispose()
        {
            if (Directory.Exists(_dir))
                Directory.Delete(_dir, true);
        }

        [ChromiumFact]
        public async Task Report_renders_in_headless_chromium_with_its_charts()
        {
            var report = await ReportFileTests.SampleReport();
            var files = BenchmarkReportWriter.Write(report, _dir);
            var url = new Uri(files.Html).AbsoluteUri;

            // The DOM after parsing and layout: every chart is an <svg> with its series and their marks.
            var dom = await Chromium.RunAsync("--dump-dom", url);
            Assert.Contains("NeuralTrader.Swarm benchmark", dom);
            foreach (var chart in new[] { "latency", "throughput", "success-rate", "sandbox", "equity-SPY", "equity-TSLA" })
                Assert.Matches(new Regex($"<svg[^>]*data-chart=\"{Regex.Escape(chart)}\""), dom);
            var latency = Regex.Match(dom, "<svg[^>]*data-chart=\"latency\".*?</svg>", RegexOptions.Singleline).Value;
            foreach (var series in new[] { "avg", "p50", "p95", "p99" })
                Assert.Matches(new Regex($"<g data-series=\"{series}\"[^>]*>\\s*<rect"), latency);
            Assert.Equal(2 * 4, Regex.Matches(latency, "<rect[^>]*data-value=").Count); // 2 scenarios x 4 series
            var equity = Regex.Match(dom, "<svg[^>]*data-chart=\"equity-SPY\".*?</svg>", RegexOptions.Singleline).Value;
            Assert.Equal(3, Regex.Matches(equity, "<polyline").Count);

            // It paints: a screenshot is produced and is a real PNG of some size.
            var png = Path.Combine(_dir, "shot.png");
            await Chromium.RunAsync("--screenshot=" + png, "--window-size=1280,2000", url);
            Assert.True(File.Exists(png), "no screenshot");
            var bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 20_000, $"screenshot only {bytes.Length} bytes");
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes.Take(4));
            _output.WriteLine($"{files.Html} rendered; screenshot {bytes.Length} bytes");
            // To look at it: NEURALTRADER_REPORT_OUT=/some/dir keeps the page and its screenshot.
            var keep = Environment.GetEnvironmentVariable("NEURALTRADER_REPORT_OUT");
            if (!string.IsNullOrEmpty(keep))
            {
                Directory.CreateDirectory(keep);
                File.Copy(files.Html, Path.Combine(keep, "sample-report.html"), true);
                File.Copy(png, Path.Combine(keep, "sample-report.png"), true);
            }
        }
    }
}
