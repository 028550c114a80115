using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Internal
{
    /// <summary>
    /// Start-Swarm -AsJob: the swarm runs on the thread pool in this process (no new runspace, like ThreadJob);
    /// results go to Output, failed deployments to Error, Core's logs to Verbose/Debug/Warning.
    /// </summary>
    internal sealed class SwarmJob : Job2, ILogSink
    {
        private readonly SwarmCoordinator _coordinator;
        private readonly IReadOnlyList<DeploymentRequest> _requests;
        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();
        private readonly object _stateLock = new object();
        private Task? _task;
        private int _settled;

        private readonly SwarmRun? _run;

        public SwarmJob(string command, SwarmCoordinator coordinator, IReadOnlyList<DeploymentRequest> requests, SwarmRun? run = null)
            : base(command, "SwarmJob" + Interlocked.Increment(ref s_counter).ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            _coordinator = coordinator;
            _requests = requests;
            _run = run;
            PSJobTypeName = "SwarmJob";
        }

        private static int s_counter;

        public override string StatusMessage => $"{Volatile.Read(ref _settled)} of {_requests.Count} deployment(s) settled";

        public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Verbose.Count > 0 || Warning.Count > 0 || Debug.Count > 0;

        public override string Location => Environment.MachineName;

        public override void StartJob()
        {
            lock (_stateLock)
            {
                if (_task != null)
                    throw new InvalidOperationException("The swarm job has started already.");
                SetJobState(JobState.Running);
                var previous = CmdletLoggerFactory.Current;
                CmdletLoggerFactory.Current = this;
                try
                {
                    _task = Task.Run(RunAsync);
                }
                finally
                {
                    CmdletLoggerFactory.Current = previous;
                }
            }
        }

        private async Task RunAsync()
        {
            var state = JobState.Completed;
            using (SwarmSession.TrackSwarm(_coordinator, _cancellation))
            {
                try
                {
                    await _coordinator.DeploySwarmAsync(_requests, OnResult, _cancellation.Token, _run).ConfigureAwait(false);
                    if (_cancellation.IsCancellationRequested)
                        state = JobState.Stopped;
                }
                catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
                {
                    state = JobState.Stopped;
                }
                catch (Exception e)
                {
                    Error.Add(SwarmErrorMapper.FromException(e));
                    state = JobState.Failed;
                }
            }
            Finish(state);
        }

        private void OnResult(DeploymentResult result)
        {
            Interlocked.Increment(ref _settled);
            var output = new SwarmResult(result);
            Output.Add(PSObject.AsPSObject(output));
            if (!output.Success && !(_cancellation.IsCancellationRequested && result.Status == DeploymentStatus.Cancelled))
                Error.Add(SwarmErrorMapper.FromResult(output));
        }

        private void Finish(JobState state)
        {
            lock (_stateLock)
            {
                if (!IsFinishedState(JobStateInfo.State))
                    SetJobState(state);
            }
        }

        public void Log(LogLevel level, string message)
        {
            try
            {
                switch (level)
                {
                    case LogLevel.Trace:
                    case LogLevel.Debug:
                        Debug.Add(new DebugRecord(message));
                        break;
                    case LogLevel.Information:
                        Verbose.Add(new VerboseRecord(message));
                        break;
                    default:
                        Warning.Add(new WarningRecord(message));
                        break;
                }
            }
            catch (InvalidOperationException)
            {
                // The collection was closed with the job.
            }
        }

        public override void StopJob() => StopJob(false, null);

        public override void StopJob(bool force, string? reason)
        {
            lock (_stateLock)
            {
                if (IsFinishedState(JobStateInfo.State))
                    return;
                SetJobState(JobState.Stopping);
            }
            _cancellation.Cancel();
            try { _task?.Wait(TimeSpan.FromSeconds(30)); }
            catch (AggregateException) { }
            Finish(JobState.Stopped);
        }

        public override void StartJobAsync() => Task.Run(() => { StartJob(); OnStartJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(null, false, null)); });

        public override void StopJobAsync() => StopJobAsync(false, null);

        public override void StopJobAsync(bool force, string? reason) => Task.Run(() => { StopJob(force, reason); OnStopJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(null, false, null)); });

        public override void SuspendJob() => throw new NotSupportedException("A swarm job cannot be suspended; stop it with Stop-Job.");

        public override void SuspendJob(bool force, string? reason) => SuspendJob();

        public override void SuspendJobAsync() => SuspendJob();

        public override void SuspendJobAsync(bool force, string? reason) => SuspendJob();

        public override void ResumeJob() => throw new NotSupportedException("A swarm job cannot be suspended or resumed.");

        public override void ResumeJobAsync() => ResumeJob();

        public override void UnblockJob() => throw new NotSupportedException("A swarm job is never blocked.");

        public override void UnblockJobAsync() => UnblockJob();

        private static bool IsFinishedState(JobState state) =>
            state == JobState.Completed || state == JobState.Failed || state == JobState.Stopped;

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                try { _cancellation.Cancel(); }
                catch (ObjectDisposedException) { }
            }
            base.Dispose(disposing);
        }
    }
}
