using System;
using System.Globalization;
using System.Management.Automation;

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
}
