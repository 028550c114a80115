using System;
using System.Reflection;
using Microsoft.Extensions.Logging;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Core.Store
{
    /// <summary>
    /// Backends that live in their own assembly: PostgreSQL needs Npgsql, which needs .NET 8 or later, while Core stays
    /// netstandard2.0 for Windows PowerShell 5.1. Found by name, so Core has no dependency on it.
    /// </summary>
    internal static class ServerBackends
    {
        private const string PostgresType = "NeuralTrader.Swarm.Store.Postgres.PostgresBackend, NeuralTrader.Swarm.Store.Postgres";

        internal static ITrajectoryBackend OpenPostgres(string location, System.Net.NetworkCredential? credential, TimeSpan busyTimeout, ILogger logger)
        {
            StorePaths.RefusePassword(location);
            var open = Type.GetType(PostgresType, throwOnError: false)?.GetMethod("Open", BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public);
            if (open is null)
            {
                throw new StoreException(StoreErrorIds.CorruptStore, "A PostgreSQL store needs NeuralTrader.Swarm.Store.Postgres.dll next to NeuralTrader.Swarm.Core.dll (PowerShell 7 or deploy-swarm on .NET 8 or later).");
            }

            try
            {
                return (ITrajectoryBackend)open.Invoke(null, new object?[] { location, credential, busyTimeout, logger })!;
            }
            catch (TargetInvocationException ex) when (ex.InnerException != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
        }
    }
}
