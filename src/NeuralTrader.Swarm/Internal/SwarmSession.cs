using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security;
using System.Threading;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Internal
{
    /// <summary>
    /// Per-runspace module state: the configuration and the session-default coordinator, created lazily and
    /// recreated (registrations carried over) when the configuration changes. Keyed by runspace so that
    /// runspaces sharing the process (jobs, hosts, tests) do not share a coordinator by accident; the
    /// coordinator is disposed, and its sandboxes stopped, when the runspace closes.
    /// </summary>
    internal sealed class SwarmSession : IDisposable
    {
        private static readonly ConditionalWeakTable<Runspace, SwarmSession> s_sessions = new ConditionalWeakTable<Runspace, SwarmSession>();
        private static readonly SwarmSession s_noRunspace = new SwarmSession();
        private static readonly ConditionalWeakTable<SwarmCoordinator, RunningSwarms> s_running = new ConditionalWeakTable<SwarmCoordinator, RunningSwarms>();
        // Coordinators made by New-SwarmCoordinator in this process, by id, so -Coordinator binds an id too.
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SwarmCoordinatorInfo> s_created =
            new System.Collections.Concurrent.ConcurrentDictionary<string, SwarmCoordinatorInfo>(StringComparer.OrdinalIgnoreCase);

        private readonly object _lock = new object();
        private SwarmOptions _options = new SwarmOptions();
        private StoreKey? _key;
        private SwarmCoordinator? _coordinator;

        /// <summary>The session of the runspace running on this thread.</summary>
        public static SwarmSession Current
        {
            get
            {
                var runspace = Runspace.DefaultRunspace;
                if (runspace == null)
                    return s_noRunspace;
                return s_sessions.GetValue(runspace, r =>
                {
                    var session = new SwarmSession();
                    r.StateChanged += (_, e) =>
                    {
                        var state = e.RunspaceStateInfo.State;
                        if (state == RunspaceState.Closed || state == RunspaceState.Broken)
                            session.Dispose();
                    };
                    return session;
                });
            }
        }

        /// <summary>A copy of the configuration.</summary>
        public SwarmOptions Options
        {
            get { lock (_lock) return _options.Clone(); }
        }

        public bool HasEncryptionKey
        {
            get { lock (_lock) return _key != null; }
        }

        /// <summary>The configured store key (symmetric, HQC key pair or HQC public key), or null.</summary>
        public StoreKey? Key
        {
            get { lock (_lock) return _key; }
        }

        /// <summary>The coordinator if it has been created.</summary>
        public SwarmCoordinator? Existing
        {
            get { lock (_lock) return _coordinator; }
        }

        /// <summary>The session-default coordinator, created on first use.</summary>
        public SwarmCoordinator GetCoordinator()
        {
            lock (_lock)
                return _coordinator ??= CreateCoordinator(_options, _key);
        }

        /// <summary>
        /// Replaces the configuration, all or nothing: the new settings are validated, the store path checked and the
        /// new coordinator made (which checks the data path) before anything changes, so a bad setting leaves the
        /// session as it was. The old coordinator's registrations move to the new one (copied only when it has another store).
        /// </summary>
        public void Configure(SwarmOptions options, StoreKey? key, bool keyGiven)
        {
            var copy = options.Clone();
            copy.Validate();
            if (copy.LearningEnabled)
                StoreFile.Check(copy.StorePath);
            SwarmCoordinator? old;
            lock (_lock)
            {
                var fresh = CreateCoordinator(copy, keyGiven ? key : _key);
                _options = copy;
                if (keyGiven)
                    _key = key;
                old = _coordinator;
                _coordinator = fresh;
                // Registrations are kept in the store: a coordinator over the same store has them already.
                if (old != null && !SameStore(old.Options, copy))
                {
                    foreach (var registration in old.GetStrategies())
                    {
                        try
                        {
                            _coordinator.RegisterStrategy(registration.Name, registration.Type, registration.Symbols,
                                new Dictionary<string, object?>(registration.Parameters.ToDictionary(p => p.Key, p => p.Value)),
                                registration.Image, registration.Description, replace: true);
                        }
                        catch (Exception e) when (e is SwarmException || e is NotImplementedException)
                        {
                            // A registration the new settings cannot serve (e.g. a symbol missing from the new data path) is dropped.
                        }
                    }
                }
            }
            // A coordinator with a swarm still running (a job) finishes that swarm; its agents stop their sandboxes.
            if (old != null && RunningCount(old) == 0)
                old.Dispose();
        }

        private static bool SameStore(SwarmOptions a, SwarmOptions b) =>
            a.LearningEnabled && b.LearningEnabled && string.Equals(StoreFile.Resolve(a.StorePath), StoreFile.Resolve(b.StorePath), StringComparison.Ordinal);

        /// <summary>Creates a coordinator whose logs reach the cmdlets.</summary>
        public static SwarmCoordinator CreateCoordinator(SwarmOptions options, StoreKey? key)
        {
            var copy = options.Clone();
            copy.LoggerFactory = CmdletLoggerFactory.Instance;
            copy.EncryptionKey = key;
            return new SwarmCoordinator(copy);
        }

        /// <summary>A coordinator of its own for New-SwarmCoordinator, findable by its id until disposed.</summary>
        public static SwarmCoordinatorInfo CreateNamedCoordinator(SwarmOptions options, StoreKey? key)
        {
            var info = new SwarmCoordinatorInfo(CreateCoordinator(options, key));
            s_created[info.Id] = info;
            return info;
        }

        /// <summary>The live coordinator New-SwarmCoordinator made with this id, or null.</summary>
        public static SwarmCoordinatorInfo? FindCoordinator(string id) => s_created.TryGetValue(id, out var info) ? info : null;

        /// <summary>Ids of the live coordinators New-SwarmCoordinator made, for tab completion.</summary>
        public static IEnumerable<string> CoordinatorIds => s_created.Keys;

        /// <summary>Drops a disposed coordinator from the ids -Coordinator binds.</summary>
        public static void Forget(SwarmCoordinatorInfo info) => s_created.TryRemove(info.Id, out _);

        /// <summary>
        /// The store key from the SecureString: the base64 symmetric key New-SwarmEncryptionKey hands out. The plain
        /// text lives only for the conversion and is never logged or echoed (Core's error does not repeat it).
        /// </summary>
        public static StoreKey ToStoreKey(SecureString key)
        {
            var pointer = Marshal.SecureStringToGlobalAllocUnicode(key);
            try
            {
                return SymmetricKey.FromBase64(Marshal.PtrToStringUni(pointer) ?? "");
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }

        /// <summary>The store key a coordinator was created with (its options keep it), or null.</summary>
        public static StoreKey? KeyOf(SwarmCoordinator coordinator) => coordinator.Options.EncryptionKey;

        /// <summary>
        /// Reads an HQC key pair from the protected key file New-SwarmKeyPair writes. The passphrase is copied out of
        /// the SecureString only for the key derivation and the copy is cleared afterwards; a wrong passphrase is
        /// Core's WrongKey error.
        /// </summary>
        public static HqcKeyPair ReadKeyPair(string path, SecureString passphrase)
        {
            if (!System.IO.File.Exists(path))
                throw new SwarmException(SwarmErrorIds.KeyFileNotFound, SwarmErrorKind.NotFound, "No key pair file at '" + path + "'.", path);
            var text = System.IO.File.ReadAllText(path);
            var chars = ToChars(passphrase);
            try
            {
                return HqcKeyPair.ImportProtected(text, chars);
            }
            finally
            {
                Array.Clear(chars, 0, chars.Length);
            }
        }

        /// <summary>The characters of a SecureString; the caller clears the array.</summary>
        public static char[] ToChars(SecureString secure)
        {
            var chars = new char[secure.Length];
            var pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
            try
            {
                Marshal.Copy(pointer, chars, 0, chars.Length);
                return chars;
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }

        /// <summary>
        /// Tracks a running swarm so Stop-Swarm, and SIGTERM/SIGHUP sent to the process (<see cref="HostSignals"/>), can
        /// cancel it; dispose the result when the swarm ends.
        /// </summary>
        public static IDisposable TrackSwarm(SwarmCoordinator coordinator, CancellationTokenSource cancellation)
        {
            var running = s_running.GetValue(coordinator, _ => new RunningSwarms());
            lock (running)
                running.Add(cancellation);
            return new Untrack(running, cancellation, HostSignals.Track(coordinator, cancellation));
        }

        /// <summary>Cancels every swarm running on the coordinator; returns how many.</summary>
        public static int CancelSwarms(SwarmCoordinator coordinator)
        {
            if (!s_running.TryGetValue(coordinator, out var running))
                return 0;
            List<CancellationTokenSource> all;
            lock (running)
                all = running.ToList();
            foreach (var cts in all)
            {
                try { cts.Cancel(); }
                catch (ObjectDisposedException) { }
            }
            return all.Count;
        }

        public static int RunningCount(SwarmCoordinator coordinator)
        {
            if (!s_running.TryGetValue(coordinator, out var running))
                return 0;
            lock (running)
                return running.Count;
        }

        public void Dispose()
        {
            SwarmCoordinator? coordinator;
            lock (_lock)
            {
                coordinator = _coordinator;
                _coordinator = null;
            }
            if (coordinator != null)
            {
                CancelSwarms(coordinator);
                coordinator.Dispose();
            }
        }

        private sealed class RunningSwarms : HashSet<CancellationTokenSource>
        {
        }

        private sealed class Untrack : IDisposable
        {
            private readonly RunningSwarms _running;
            private readonly CancellationTokenSource _cancellation;
            private readonly IDisposable _signals;

            public Untrack(RunningSwarms running, CancellationTokenSource cancellation, IDisposable signals)
            {
                _running = running;
                _cancellation = cancellation;
                _signals = signals;
            }

            public void Dispose()
            {
                lock (_running)
                    _running.Remove(_cancellation);
                _signals.Dispose(); // last, as it may end the process after a signal
            }
        }
    }
}
