using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>
    /// SIGINT (Ctrl+C), SIGTERM and SIGHUP (the terminal or console window closing) cancel the running command
    /// instead of ending the process: the command stops its sandboxes, commits the trajectories that finished,
    /// and the process then exits with 128 + the signal number (130, 143, 129), as shells expect. A second
    /// signal while that cleanup runs ends the process at once. Replaces System.CommandLine's own handler,
    /// which returns after a 2 s grace period whether or not the command has cleaned up.
    /// </summary>
    internal sealed class TerminationSignals : IDisposable
    {
        private readonly CancellationTokenSource _cancel = new CancellationTokenSource();
        private readonly PosixSignalRegistration[] _registrations;
        private int _received;

        public TerminationSignals()
        {
            _registrations = new[]
            {
                PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
                PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
                PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal),
            };
        }

        /// <summary>Cancelled by the first signal.</summary>
        public CancellationToken Token => _cancel.Token;

        /// <summary>The exit code for the signal received (128 + its number), or null when none came.</summary>
        public int? ExitCode => Volatile.Read(ref _received) switch
        {
            0 => null,
            var signal => 128 + signal,
        };

        private void OnSignal(PosixSignalContext context)
        {
            var number = context.Signal switch
            {
                PosixSignal.SIGINT => 2,
                PosixSignal.SIGTERM => 15,
                _ => 1, // SIGHUP
            };
            if (Interlocked.CompareExchange(ref _received, number, 0) != 0)
                return; // the second signal: let the default action end the process
            context.Cancel = true;
            Console.Error.WriteLine($"deploy-swarm: {context.Signal} received: stopping sandboxes and committing finished work (signal again to quit at once)");
            _cancel.Cancel();
        }

        public void Dispose()
        {
            foreach (var registration in _registrations)
                registration.Dispose();
            _cancel.Dispose();
        }
    }
}
