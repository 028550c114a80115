using System;
using System.IO;
using NeuralTrader.Swarm.Core;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>The one error line and exit code 2.</summary>
    internal static class CliError
    {
        public const int Usage = 2;

        public static bool Handles(Exception e) => e is SwarmException || e is ArgumentException || e is System.Text.Json.JsonException
            || e is IOException || e is UnauthorizedAccessException;

        public static int Write(Exception e)
        {
            Console.Error.WriteLine("deploy-swarm: " + Advice.ForCli(e.Message));
            return Usage;
        }
    }
}
