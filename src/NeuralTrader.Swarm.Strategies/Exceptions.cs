using System;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>
    /// A strategy could not run: unknown type, bad parameter or bad data. <see cref="Code"/> is one of
    /// <see cref="RunnerErrorCodes"/>, so the runner can pass it on unchanged.
    /// </summary>
    public sealed class StrategyException : Exception
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="code">One of <see cref="RunnerErrorCodes"/>.</param>
        /// <param name="message">What was wrong, naming the parameter or field and the valid range.</param>
        public StrategyException(string code, string message)
            : base(message)
        {
            Code = code ?? throw new ArgumentNullException(nameof(code));
        }

        /// <summary>Creates the exception with an inner cause.</summary>
        /// <param name="code">One of <see cref="RunnerErrorCodes"/>.</param>
        /// <param name="message">What was wrong.</param>
        /// <param name="innerException">The cause.</param>
        public StrategyException(string code, string message, Exception innerException)
            : base(message, innerException)
        {
            Code = code ?? throw new ArgumentNullException(nameof(code));
        }

        /// <summary>Stable error code, one of <see cref="RunnerErrorCodes"/>.</summary>
        public string Code { get; }
    }

    /// <summary>
    /// Market data could not be read or found. The message names the file, the line and the problem,
    /// e.g. <c>SPY.csv line 17: High 101.2 is below Low 102.0</c>.
    /// <see cref="Source"/> holds the file path (null when no file is involved).
    /// </summary>
    public sealed class MarketDataException : Exception
    {
        private string? _file;

        /// <summary>Creates an error about one line of a file.</summary>
        /// <param name="source">The file (or stream name) read.</param>
        /// <param name="lineNumber">1-based line number; 0 when the problem is not about one line.</param>
        /// <param name="problem">What was wrong with the line.</param>
        public MarketDataException(string? source, int lineNumber, string problem)
            : base(Format(source, lineNumber, problem))
        {
            Source = source;
            LineNumber = lineNumber;
            Problem = problem;
        }

        /// <summary>Creates an error that is not about a file line (for example an unknown symbol).</summary>
        /// <param name="problem">The whole message.</param>
        public MarketDataException(string problem)
            : base(problem)
        {
            Problem = problem;
        }

        /// <summary>Creates an error about a file that could not be read at all.</summary>
        /// <param name="source">The file.</param>
        /// <param name="problem">What went wrong.</param>
        /// <param name="innerException">The I/O error.</param>
        public MarketDataException(string source, string problem, Exception innerException)
            : base(Format(source, 0, problem), innerException)
        {
            Source = source;
            Problem = problem;
        }

        /// <summary>The file (or stream name) at fault; null when no file is involved (e.g. an unknown symbol).</summary>
        public override string? Source
        {
            get => _file;
            set => _file = value;
        }

        /// <summary>1-based line number of the bad line, or 0 when the error is not about one line.</summary>
        public int LineNumber { get; }

        /// <summary>The problem, without the file and line prefix.</summary>
        public string Problem { get; }

        /// <summary>
        /// At most <see cref="ExcerptLength"/> characters of a quoted value, so a huge field (a 50 MB cell) is never
        /// echoed whole into an error, a log or a stored trajectory.
        /// </summary>
        /// <param name="text">The value as read.</param>
        public static string Excerpt(string text) => text.Length <= ExcerptLength
            ? text
            : text.Substring(0, ExcerptLength) + "... (" + text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " characters)";

        /// <summary>The most characters of a value an error quotes.</summary>
        public const int ExcerptLength = 40;

        private static string Format(string? source, int lineNumber, string problem)
        {
            if (string.IsNullOrEmpty(source))
            {
                return lineNumber > 0 ? "line " + lineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) + ": " + problem : problem;
            }

            string name = System.IO.Path.GetFileName(source);
            if (string.IsNullOrEmpty(name))
            {
                name = source!;
            }

            return lineNumber > 0
                ? name + " line " + lineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) + ": " + problem
                : name + ": " + problem;
        }
    }
}
