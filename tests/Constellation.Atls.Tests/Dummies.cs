using Constellation.Attestation;
using Constellation.Attestation.Variants.Dummy;

namespace Constellation.Atls.Tests;

internal static class Dummies
{
    public static AtlsOptions Issuing() => new() { Issuer = new DummyIssuer() };

    public static AtlsOptions Validating() => new() { Validators = [new DummyValidator()] };

    public static AtlsOptions Mutual() => new() { Issuer = new DummyIssuer(), Validators = [new DummyValidator()] };
}

/// <summary>An issuer that lets a test change what the document claims.</summary>
internal sealed class DelegatingIssuer(AttestationVariant variant, Func<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>, byte[]> issue) : IAttestationIssuer
{
    public AttestationVariant Variant => variant;

    public ValueTask<byte[]> IssueAsync(ReadOnlyMemory<byte> userData, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(issue(userData, nonce));
}
