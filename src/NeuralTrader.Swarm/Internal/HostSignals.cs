using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Internal
{
    /// <summary>
    /// SIGTERM and SIGHUP (a terminal or console window closing) sent to the PowerShell process while a swarm runs:
    /// by default pwsh ends at once, leaving the swarm's sandboxes to die with their owner and its last results
    /// unrecorded. While at least one swarm runs in this process (Start-Swarm, in the foreground or as a job) this
    /// takes over those two signals: the first cancels every running swarm, whose agents stop their sandboxes and
    /// whose finished deployments are committed; when the last swarm has ended, the coordinators are disposed (warm
    /// sandboxes removed, store closed) and the process exits with 128 + the signal number (143, 129), as it would
    /// have without the handler. A second signal during that cleanup, or one while no swarm runs, gets pwsh's own
    /// handling. SIGINT is left alone: Ctrl+C reaches the cmdlet as StopProcessing.
    /// </summary>
    /// <remarks>
    /// The cmdlet assembly targets netstandard2.0 (Windows PowerShell), which lacks
    /// System.Runtime.InteropServices.PosixSignalRegistration; on .NET 6+ (pwsh 7) it is found by reflection.
    /// On Windows, a runtime without it, or an application that hosts PowerShell itself (its signals are its own
    /// to handle), nothing is registered.
    /// </remarks>
    internal static class HostSignals
    {
        private const int SigHup = 1, SigTerm = 15;
        private static readonly object s_lock = new object();
        private static readonly List<Entry> s_running = new List<Entry>();
        private static readonly Lazy<Api?> s_api = new Lazy<Api?>(Api.Find);
        private static IDisposable[]? s_registrations;
        private static int s_received;
        private static List<SwarmCoordinator> s_stopping = new List<SwarmCoordinator>();

        /// <summary>
        /// Marks a swarm as running until the result is disposed; the handlers are registered for the first and
        /// removed after the last. Disposing the last swarm after a signal ends the process (does not return).
        /// </summary>
        public static IDisposable Track(SwarmCoordinator coordinator, CancellationTokenSource cancellation)
        {
            var api = s_api.Value;
            if (api == null)
                return NoTracking.Instance;
            var entry = new Entry(coordinator, cancellation);
            bool stopping;
            lock (s_lock)
            {
                if (s_running.Count == 0 && s_received == 0)
                    s_registrations = api.Register(OnSignal);
                s_running.Add(entry);
                stopping = s_received != 0;
                if (stopping && !s_stopping.Contains(coordinator))
                    s_stopping.Add(coordinator);
            }
            if (stopping)
                cancellation.Cancel(); // started while the process is stopping after a signal (a script carrying on)
            return entry;
        }

        private static void Untrack(Entry entry)
        {
            int received;
            lock (s_lock)
            {
                if (!s_running.Remove(entry) || s_running.Count > 0)
                    return;
                received = s_received;
                if (received == 0)
                {
                    Unregister();
                    return;
                }
            }
            // The registrations stay: a second signal during this cleanup still ends the process at once.
            foreach (var coordinator in s_stopping)
                coordinator.Dispose();
            Console.Error.WriteLine($"NeuralTrader.Swarm: the swarm stopped after {Name(received)}; exiting with code {128 + received}.");
            Environment.Exit(128 + received);
        }

        private static void Unregister()
        {
            foreach (var registration in s_registrations ?? Array.Empty<IDisposable>())
                registration.Dispose();
            s_registrations = null;
        }

        /// <summary>Returns true to cancel the signal's default action (the swarms are being stopped instead).</summary>
        private static bool OnSignal(int signal)
        {
            List<CancellationTokenSource> cancel;
            lock (s_lock)
            {
                if (s_received != 0 || s_running.Count == 0)
                    return false; // a second signal, or no swarm left: pwsh's own handling ends the process
                s_received = signal;
                s_stopping = s_running.Select(e => e.Coordinator).Distinct().ToList();
                cancel = s_running.Select(e => e.Cancellation).ToList();
            }
            Console.Error.WriteLine($"NeuralTrader.Swarm: {Name(signal)} received: stopping the swarm's sandboxes and committing finished work (signal again to quit at once).");
            foreach (var cts in cancel)
            {
                try { cts.Cancel(); }
                catch (ObjectDisposedException) { }
            }
            return true;
        }

        private static string Name(int signal) => signal == SigTerm ? "SIGTERM" : "SIGHUP";

        private sealed class Entry : IDisposable
        {
            private int _disposed;

            public Entry(SwarmCoordinator coordinator, CancellationTokenSource cancellation)
            {
                Coordinator = coordinator;
                Cancellation = cancellation;
            }

            public SwarmCoordinator Coordinator { get; }

            public CancellationTokenSource Cancellation { get; }

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                    Untrack(this);
            }
        }

        private sealed class NoTracking : IDisposable
        {
            public static readonly NoTracking Instance = new NoTracking();

            public void Dispose()
            {
            }
        }

        /// <summary>PosixSignalRegistration, PosixSignal and PosixSignalContext, bound by reflection.</summary>
        private sealed class Api
        {
            private readonly MethodInfo _create;
            private readonly Type _signalType;
            private readonly Type _handlerType;
            private readonly PropertyInfo _contextSignal;
            private readonly PropertyInfo _contextCancel;
            private Func<int, bool>? _handler;

            private Api(MethodInfo create, Type signalType, Type handlerType, PropertyInfo contextSignal, PropertyInfo contextCancel)
            {
                _create = create;
                _signalType = signalType;
                _handlerType = handlerType;
                _contextSignal = contextSignal;
                _contextCancel = contextCancel;
            }

            public static Api? Find()
            {
                if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && !RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                    return null;
                if (Assembly.GetEntryAssembly()?.GetName().Name != "pwsh")
                    return null;
                const string Ns = "System.Runtime.InteropServices.";
                var registration = Type.GetType(Ns + "PosixSignalRegistration, System.Runtime.InteropServices", throwOnError: false);
                var signal = Type.GetType(Ns + "PosixSignal, System.Runtime.InteropServices", throwOnError: false);
                var context = Type.GetType(Ns + "PosixSignalContext, System.Runtime.InteropServices", throwOnError: false);
                if (registration == null || signal == null || context == null)
                    return null;
                var handlerType = typeof(Action<>).MakeGenericType(context);
                var create = registration.GetMethod("Create", BindingFlags.Public | BindingFlags.Static, null, new[] { signal, handlerType }, null);
                var contextSignal = context.GetProperty("Signal");
                var contextCancel = context.GetProperty("Cancel");
                if (create == null || contextSignal == null || contextCancel == null || !contextCancel.CanWrite)
                    return null;
                return new Api(create, signal, handlerType, contextSignal, contextCancel);
            }

            /// <summary>Registers <paramref name="handler"/> (signal number in, cancel out) for SIGTERM and SIGHUP.</summary>
            public IDisposable[] Register(Func<int, bool> handler)
            {
                _handler = handler;
                // Action<PosixSignalContext> bound to a method taking object (delegate parameter contravariance).
                var callback = Delegate.CreateDelegate(_handlerType, this, typeof(Api).GetMethod(nameof(Invoke), BindingFlags.NonPublic | BindingFlags.Instance)!);
                return new[] { "SIGTERM", "SIGHUP" }
                    .Select(name => (IDisposable)_create.Invoke(null, new[] { Enum.Parse(_signalType, name), callback })!)
                    .ToArray();
            }

            private void Invoke(object context)
            {
                var signal = _contextSignal.GetValue(context)?.ToString() == "SIGTERM" ? SigTerm : SigHup;
                if (_handler != null && _handler(signal))
                    _contextCancel.SetValue(context, true);
            }
        }
    }
}
