using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// Base of every cmdlet of the module: cancellation from StopProcessing, one guard that turns any exception
    /// into a mapped ErrorRecord (no raw exception leaves the cmdlet), and the pump that writes Core's logs on
    /// the pipeline thread. Derived cmdlets override <see cref="OnBegin"/>, <see cref="OnProcess"/> and <see cref="OnEnd"/>.
    /// </summary>
    public abstract class SwarmCmdletBase : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();
        private PipelinePump? _pump;

        /// <summary>Cancelled when the pipeline is stopped (Ctrl+C).</summary>
        protected CancellationToken Cancellation => _cancellation.Token;

        /// <summary>The cancellation source, for Stop-Swarm tracking.</summary>
        internal CancellationTokenSource CancellationSource => _cancellation;

        internal PipelinePump Pump => _pump ??= new PipelinePump(WriteDebug, WriteVerbose, WriteWarning);

        /// <summary>Begin-block work.</summary>
        protected virtual void OnBegin()
        {
        }

        /// <summary>Process-block work, once per pipeline input.</summary>
        protected virtual void OnProcess()
        {
        }

        /// <summary>End-block work.</summary>
        protected virtual void OnEnd()
        {
        }

        /// <inheritdoc />
        protected sealed override void BeginProcessing() => Guard(OnBegin);

        /// <inheritdoc />
        protected sealed override void ProcessRecord() => Guard(OnProcess);

        /// <inheritdoc />
        protected sealed override void EndProcessing() => Guard(OnEnd);

        /// <inheritdoc />
        protected override void StopProcessing()
        {
            try { _cancellation.Cancel(); }
            catch (ObjectDisposedException) { }
        }

        /// <summary>Runs synchronous Core work with its log entries written here.</summary>
        internal T Invoke<T>(Func<T> work) => Pump.Invoke(work);

        /// <summary>Runs asynchronous Core work off the pipeline thread, writing its logs and posted output as they arrive.</summary>
        internal T Run<T>(Func<CancellationToken, Task<T>> work) =>
            Pump.Run(() => work(Cancellation), () => _cancellation.Cancel());

        /// <summary>Writes a non-terminating error for one failed item.</summary>
        internal void WriteSwarmError(Exception exception, object? target) =>
            WriteError(SwarmErrorMapper.FromException(exception, target));

        private void Guard(Action action)
        {
            try
            {
                action();
            }
            catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
            {
                // A stopped pipeline is not an error.
            }
            catch (Exception e) when (!(e is RuntimeException) && !(e is OperationCanceledException && _cancellation.IsCancellationRequested))
            {
                // RuntimeExceptions are PowerShell's own (stopped pipeline, -ErrorAction Stop, ThrowTerminatingError).
                ThrowTerminatingError(SwarmErrorMapper.FromException(e));
            }
        }

        /// <summary>Releases the cancellation source.</summary>
        public void Dispose()
        {
            _cancellation.Dispose();
            _pump?.Dispose();
            GC.SuppressFinalize(this);
        }
    }

    /// <summary>Base of the cmdlets that use a coordinator: the session default, or the one given with -Coordinator.</summary>
    public abstract class SwarmCoordinatorCmdletBase : SwarmCmdletBase
    {
        /// <summary>
        /// <para type="description">A coordinator made by New-SwarmCoordinator, or its Id. Without it the session's default coordinator is used (see Set-SwarmConfiguration).</para>
        /// </summary>
        [Parameter]
        [CoordinatorTransformation]
        [ArgumentCompleter(typeof(CoordinatorIdCompleter))]
        public SwarmCoordinatorInfo? Coordinator { get; set; }

        /// <summary>The coordinator to act on; creates the session default on first use.</summary>
        protected SwarmCoordinator GetCoordinator() => Given() ?? SwarmSession.Current.GetCoordinator();

        /// <summary>The coordinator if one exists already (does not create the session default).</summary>
        protected SwarmCoordinator? ExistingCoordinator() => Given() ?? SwarmSession.Current.Existing;

        private SwarmCoordinator? Given() => Coordinator == null ? null : CoordinatorTransformationAttribute.Live(Coordinator);
    }
}
