using System;

namespace NeuralTrader.Swarm.Core.Security
{
    /// <summary>
    /// Base of the errors the trajectory store raises. <see cref="SwarmException.ErrorId"/> is stable, so the cmdlet layer can map it
    /// to an <c>ErrorRecord</c> and tests can assert it. Messages never contain key material or decrypted data.
    /// </summary>
    public class StoreException : SwarmException
    {
        /// <summary>Creates the error.</summary>
        /// <param name="errorId">Stable identifier, one of <see cref="StoreErrorIds"/>.</param>
        /// <param name="message">Human-readable message without secrets.</param>
        /// <param name="inner">Underlying cause, if any.</param>
        public StoreException(string errorId, string message, Exception? inner = null)
            : base(errorId, KindOf(errorId), message, null, inner)
        {
        }

        private static SwarmErrorKind KindOf(string errorId) => errorId switch
        {
            StoreErrorIds.WrongKey or StoreErrorIds.KeyRequired or StoreErrorIds.StoreAccessDenied => SwarmErrorKind.Security,
            StoreErrorIds.StoreUnavailable => SwarmErrorKind.Unavailable,
            StoreErrorIds.CorruptStore => SwarmErrorKind.InvalidData,
            StoreErrorIds.StoreBusy => SwarmErrorKind.Timeout,
            _ => SwarmErrorKind.InvalidArgument,
        };
    }

    /// <summary>The key does not match the store or the record (a <c>SecurityError</c> for the cmdlets).</summary>
    public sealed class WrongKeyException : StoreException
    {
        /// <summary>Creates the error.</summary>
        /// <param name="message">Message naming key ids only, never keys.</param>
        /// <param name="inner">Underlying cause, if any.</param>
        public WrongKeyException(string message, Exception? inner = null)
            : base(StoreErrorIds.WrongKey, message, inner)
        {
        }
    }

    /// <summary>Stable error identifiers used by <see cref="StoreException"/>.</summary>
    public static class StoreErrorIds
    {
        /// <summary>The key does not match the store's key id, the passphrase is wrong, or authentication failed.</summary>
        public const string WrongKey = "WrongKey";
        /// <summary>The operation needs a key (or a private key) that was not supplied.</summary>
        public const string KeyRequired = "KeyRequired";
        /// <summary>The store file is corrupt, from a newer version, or an import file is malformed or altered.</summary>
        public const string CorruptStore = "CorruptStore";
        /// <summary>The store's chain does not verify (records removed or its head rewritten): nothing more is appended to it.</summary>
        public const string TamperedStore = "TamperedStore";
        /// <summary>Other writers held the store longer than the busy timeout.</summary>
        public const string StoreBusy = "StoreBusy";
        /// <summary>The store's server refused the login (wrong or missing password, user not allowed).</summary>
        public const string StoreAccessDenied = "StoreAccessDenied";
        /// <summary>The store's server could not be reached.</summary>
        public const string StoreUnavailable = "StoreUnavailable";
        /// <summary>An argument was not valid (bad key encoding, empty id...).</summary>
        public const string InvalidArgument = "InvalidArgument";
    }
}
