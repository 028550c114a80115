using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Core.Resilience;

namespace NeuralTrader.Swarm.Internal
{
    /// <summary>
    /// Lets the resilience time parameters take a number of milliseconds (-RetryDelay 200) as well as a TimeSpan
    /// or a TimeSpan string (-RetryDelay '00:00:02'): a bare number would otherwise bind as ticks.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class ResilienceTimeTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject pso ? pso.BaseObject : inputData;
            switch (value)
            {
                case TimeSpan span:
                    return span;
                case int _:
                case long _:
                case double _:
                case float _:
                case decimal _:
                case short _:
                    return TimeSpan.FromMilliseconds(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                case string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms):
                    return TimeSpan.FromMilliseconds(ms);
                case string text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed):
                    return parsed;
                default:
                    throw new ArgumentTransformationMetadataException(
                        $"'{value}' is not a time: give milliseconds (500) or a TimeSpan ('00:00:02' or [TimeSpan]::FromSeconds(2)).");
            }
        }
    }

    /// <summary>Copies bound resilience parameters onto <see cref="SwarmOptions.Resilience"/> (shared by Start-Swarm and the configuration cmdlets).</summary>
    internal static class ResilienceParameters
    {
        public static readonly string[] Names = { "RetryCount", "RetryDelay", "CircuitBreakerThreshold", "CircuitBreakerWindow", "CircuitBreakerDuration" };

        public static bool AnyBound(IDictionary<string, object> bound)
        {
            foreach (var name in Names)
                if (bound.ContainsKey(name))
                    return true;
            return false;
        }

        public static void Apply(SwarmOptions options, IDictionary<string, object> bound, int retryCount, TimeSpan retryDelay,
            int breakerThreshold, TimeSpan breakerWindow, TimeSpan breakerDuration) =>
            options.Resilience = With(options.Resilience, bound, retryCount, retryDelay, breakerThreshold, breakerWindow, breakerDuration);

        /// <summary>A copy of <paramref name="resilience"/> with the bound parameters applied.</summary>
        public static ResilienceOptions With(ResilienceOptions resilience, IDictionary<string, object> bound, int retryCount, TimeSpan retryDelay,
            int breakerThreshold, TimeSpan breakerWindow, TimeSpan breakerDuration)
        {
            var r = resilience.Clone();
            if (bound.ContainsKey("RetryCount")) r.RetryCount = retryCount;
            if (bound.ContainsKey("RetryDelay")) r.RetryDelay = retryDelay;
            if (bound.ContainsKey("CircuitBreakerThreshold")) r.CircuitBreakerThreshold = breakerThreshold;
            if (bound.ContainsKey("CircuitBreakerWindow")) r.CircuitBreakerWindow = breakerWindow;
            if (bound.ContainsKey("CircuitBreakerDuration")) r.CircuitBreakerDuration = breakerDuration;
            return r;
        }
    }
}
