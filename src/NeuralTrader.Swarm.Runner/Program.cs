using System;
using System.IO;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Runner.Hosting;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Runner
{
    /// <summary>
    /// The program inside every sandbox: JSON request lines on stdin, JSON response lines on stdout,
    /// JSON log lines on stderr. See docs/runner-protocol.md.
    /// </summary>
    internal static class Program
    {
        internal const string DataEnvironmentVariable = "NEURALTRADER_RUNNER_DATA";
        internal const string LogLevelEnvironmentVariable = "NEURALTRADER_RUNNER_LOG_LEVEL";

        private static int Main(string[] args)
        {
            string version = Version();
            string name = "NeuralTrader.Swarm.Runner/" + version;
            foreach (string arg in args)
            {
                switch (arg)
                {
                    case "--version":
                    case "-v":
                        Console.Out.WriteLine(name + " (protocol " + RunnerProtocol.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")");
                        return 0;
                    case "--help":
                    case "-h":
                    case "-?":
                        Console.Out.WriteLine(Help(name));
                        return 0;
                    default:
                        Console.Error.WriteLine("Unknown argument '" + arg + "'. Try --help.");
                        return 2;
                }
            }

            var log = new StderrLog(Console.OpenStandardError(), Environment.GetEnvironmentVariable(LogLevelEnvironmentVariable));
            var handler = new RunnerRequestHandler(name, log.Log);
            Preload(handler, log);
            log.Info(name + " ready (protocol " + RunnerProtocol.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")");
            try
            {
                using Stream input = Console.OpenStandardInput();
                using Stream output = Console.OpenStandardOutput();
                bool shutdown = RunnerHost.Serve(input, output, handler);
                log.Info(shutdown ? "shutdown requested; exiting" : "end of input; exiting");
                return 0;
            }
            catch (IOException ex)
            {
                // The coordinator went away (broken pipe): nothing left to serve.
                log.Warning("I/O error on stdin/stdout: " + ex.Message);
                return 1;
            }
        }

        private static void Preload(RunnerRequestHandler handler, StderrLog log)
        {
            string? folder = Environment.GetEnvironmentVariable(DataEnvironmentVariable);
            if (string.IsNullOrWhiteSpace(folder))
            {
                return;
            }

            if (!Directory.Exists(folder))
            {
                log.Warning(DataEnvironmentVariable + " folder '" + folder + "' does not exist; nothing preloaded");
                return;
            }

            foreach (string file in Directory.GetFiles(folder!, "*.csv"))
            {
                try
                {
                    // SPY.csv is dataset SPY; SPY.5min.csv is dataset SPY.5min, as the coordinator names them.
                    PriceSeries series = CsvPriceReader.ReadFile(file);
                    (string symbol, string? interval) = CsvPriceReader.ParseFileName(file);
                    handler.AddDataset(interval is null ? symbol : symbol + "." + interval, series);
                    log.Info("preloaded " + series);
                }
                catch (MarketDataException ex)
                {
                    log.Warning("skipped " + file + ": " + ex.Message);
                }
            }
        }

        private static string Version()
        {
            Version? v = typeof(Program).Assembly.GetName().Version;
            return v is null ? "0.0.0" : v.Major.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + v.Minor.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + Math.Max(0, v.Build).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        private static string Help(string name) =>
            name + @"
Backtests trading strategies for NeuralTrader.Swarm. Reads one JSON request per line on stdin and
writes one JSON response per line on stdout until end of input or a shutdown request; logs JSON lines
on stderr. Protocol: docs/runner-protocol.md.

Usage: NeuralTrader.Swarm.Runner [--version | --help]

Environment:
  NEURALTRADER_RUNNER_DATA       folder of <SYMBOL>.csv (daily) and <SYMBOL>.<interval>.csv files
                                 loaded as datasets SYMBOL and SYMBOL.<interval> at start (optional)
  NEURALTRADER_RUNNER_LOG_LEVEL  trace, debug, info (default), warning or error

Example:
  echo '{""id"":""1"",""op"":""ping""}' | NeuralTrader.Swarm.Runner";
    }
}
