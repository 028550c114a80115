using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NeuralTrader.Swarm.Internal;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Registers a trading strategy under a name so swarms can deploy it.</para>
    /// <para type="description">Register-Strategy registers a built-in strategy type (momentum, mean-reversion, neural-forecast) or a custom sandbox image under a name, with the symbols its deployments spread over and parameter overrides. Built-in types and their parameters are checked now, so a typo fails at registration rather than at deployment. The typed parameters (-Lookback, -Threshold, ...) and -Parameters combine; the typed ones win.</para>
    /// </summary>
    /// <example>
    /// <code>Register-Strategy -Name fast-momentum -Type momentum -Symbol SPY, QQQ -Lookback 10 -Threshold 0.01</code>
    /// <para>Registers a momentum strategy with a 10-day lookback on two symbols.</para>
    /// </example>
    /// <example>
    /// <code>Register-Strategy -Name revert -Type mean-reversion -Parameters @{ entryZ = 1.5; exitZ = 0.25 } -PassThru</code>
    /// <para>Registers with a parameter hashtable and writes the registration.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Register, "Strategy", SupportsShouldProcess = true)]
    [OutputType(typeof(SwarmStrategy))]
    public sealed class RegisterStrategyCommand : SwarmCoordinatorCmdletBase
    {
        /// <summary>
        /// <para type="description">Name deployments use. Registered names are case-insensitive.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        /// <summary>
        /// <para type="description">Strategy type: momentum, mean-reversion or neural-forecast, or the type a custom -Image implements. Defaults to the name.</para>
        /// </summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(StrategyTypeCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Type { get; set; }

        /// <summary>
        /// <para type="description">Symbols the strategy's deployments spread over (SPY, QQQ, IWM, TSLA are bundled). Default SPY.</para>
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Symbols")]
        [ArgumentCompleter(typeof(SymbolCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Symbol { get; set; }

        /// <summary>
        /// <para type="description">Parameter overrides as a hashtable, e.g. @{ lookback = 20; threshold = 0.02 }.</para>
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public Hashtable? Parameters { get; set; }

        /// <summary>
        /// <para type="description">Bars looked back (momentum, mean-reversion).</para>
        /// </summary>
        [Parameter]
        public int Lookback { get; set; }

        /// <summary>
        /// <para type="description">Signal threshold (momentum: the return that triggers; neural-forecast: the predicted return).</para>
        /// </summary>
        [Parameter]
        public double Threshold { get; set; }

        /// <summary>
        /// <para type="description">Shares per position; not with -Allocation. Without either, positions are sized by allocation (fully invested).</para>
        /// </summary>
        [Parameter]
        public double PositionSize { get; set; }

        /// <summary>
        /// <para type="description">Share of equity a position takes (0 to 1; default 1, fully invested); not with -PositionSize.</para>
        /// </summary>
        [Parameter]
        public double Allocation { get; set; }

        /// <summary>
        /// <para type="description">Z-score that opens a mean-reversion position. Default 2.</para>
        /// </summary>
        [Parameter]
        public double EntryZ { get; set; }

        /// <summary>
        /// <para type="description">Z-score that closes a mean-reversion position. Default 0.5.</para>
        /// </summary>
        [Parameter]
        public double ExitZ { get; set; }

        /// <summary>
        /// <para type="description">Starting cash of the backtest. Default 100000.</para>
        /// </summary>
        [Parameter]
        public double InitialCash { get; set; }

        /// <summary>
        /// <para type="description">Allow short positions.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter AllowShort { get; set; }

        /// <summary>
        /// <para type="description">Seed of the neural-forecast network (deterministic results per seed).</para>
        /// </summary>
        [Parameter]
        public int Seed { get; set; }

        /// <summary>
        /// <para type="description">A custom sandbox image that speaks the runner protocol (docs/runner-protocol.md); needs Docker isolation.</para>
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? Image { get; set; }

        /// <summary>
        /// <para type="description">Free text shown by Get-Strategy.</para>
        /// </summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Description { get; set; }

        /// <summary>
        /// <para type="description">Replaces a registration of the same name instead of failing with StrategyAlreadyRegistered.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>
        /// <para type="description">Writes the registration.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Every built-in strategy's parameter names, keyed by the PowerShell spelling (Lookback for lookback).</summary>
        internal static readonly IReadOnlyDictionary<string, string> CatalogueNames = StrategyCatalog.All
            .SelectMany(s => s.Parameters).Select(p => p.Name).Distinct(StringComparer.OrdinalIgnoreCase)
            .ToDictionary(n => char.ToUpperInvariant(n[0]) + n.Substring(1), n => n, StringComparer.OrdinalIgnoreCase);

        /// <inheritdoc />
        protected override void OnProcess()
        {
            var parameters = Deployments.ToDictionary(Parameters) ?? new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            // The typed parameters are the catalogue's own, by name (-Lookback is lookback); the catalogue checks them.
            foreach (var bound in MyInvocation.BoundParameters)
            {
                if (CatalogueNames.TryGetValue(bound.Key, out var name))
                    parameters[name] = bound.Value is SwitchParameter flag ? flag.IsPresent : bound.Value;
            }

            var type = string.IsNullOrEmpty(Type) ? Name : Type!;
            if (!ShouldProcess(Name, $"Register strategy of type '{type}'"))
                return;
            var coordinator = GetCoordinator();
            try
            {
                var registration = Invoke(() => coordinator.RegisterStrategy(Name, type, Symbol, parameters, Image, Description, Force.IsPresent));
                if (PassThru)
                    WriteObject(new SwarmStrategy(registration, coordinator.Id));
            }
            catch (Exception e) when (!(e is RuntimeException))
            {
                WriteSwarmError(e, Name);
            }
        }
    }
}
