namespace NeuralTrader.Swarm
{
    /// <summary>What Export-SwarmState -PassThru wrote or Import-SwarmState merged.</summary>
    public sealed class SwarmStateTransfer
    {
        internal SwarmStateTransfer(string operation, string path, int trajectories, int skipped, int strategies, bool decrypted)
        {
            Operation = operation;
            Path = path;
            Trajectories = trajectories;
            Skipped = skipped;
            Strategies = strategies;
            Decrypted = decrypted;
        }

        /// <summary>Export or Import.</summary>
        public string Operation { get; }
        /// <summary>The state file.</summary>
        public string Path { get; }
        /// <summary>Trajectories written (export) or added (import).</summary>
        public int Trajectories { get; }
        /// <summary>Trajectories the store had already (import; merged by id).</summary>
        public int Skipped { get; }
        /// <summary>Strategy registrations added (import).</summary>
        public int Strategies { get; }
        /// <summary>True when the export holds decrypted payloads.</summary>
        public bool Decrypted { get; }
    }
}
