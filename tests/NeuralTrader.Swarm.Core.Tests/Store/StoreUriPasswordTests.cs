using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Tests.Store
{
    /// <summary>A PostgreSQL store URI never carries the password: it would reach arguments, listings and messages.</summary>
    public sealed class StoreUriPasswordTests
    {
        [Theory]
        [InlineData("postgresql://swarm:s3cret-Pw@db.example:5432/nts")]
        [InlineData("postgres://swarm:s3cret-Pw@db.example/nts")]
        [InlineData("postgresql://swarm:s3cret-Pw@[::1]:5432/nts")]
        [InlineData("postgresql://swarm@db.example/nts?sslmode=require&password=s3cret-Pw")]
        [InlineData("postgresql://swarm@db.example/nts?PWD=s3cret-Pw")]
        public void A_password_in_the_uri_is_refused_without_repeating_it(string uri)
        {
            var error = Assert.Throws<StoreException>(() => StoreFile.Resolve(uri));
            Assert.Equal(SwarmErrorIds.InvalidStorePath, error.ErrorId);
            Assert.Contains("carries a password", error.Message);
            Assert.DoesNotContain("s3cret-Pw", error.ToString());
        }

        [Theory]
        [InlineData("postgresql://swarm@db.example:5432/nts")]
        [InlineData("postgresql://db.example/nts")]
        [InlineData("postgresql://swarm@[::1]:5432/nts")]
        [InlineData("postgresql://swarm@localhost:5432/nts?host=/run/postgresql&sslmode=verify-full")]
        [InlineData("postgresql://swarm@db.example/nts?application_name=a:b@c")]
        public void A_uri_without_a_password_is_taken_as_it_is(string uri)
        {
            Assert.Equal(uri, StoreFile.Resolve(uri));
        }
    }
}
