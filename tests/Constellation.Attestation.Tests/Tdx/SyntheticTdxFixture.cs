namespace Constellation.Attestation.Tests.Tdx;

/// <summary>A fixture with a fresh <see cref="SyntheticTdx"/> PKI per test.</summary>
public abstract class SyntheticTdxFixture : IDisposable
{
    private protected SyntheticTdx pki = null!;

    [SetUp]
    public void CreatePki() => pki = new SyntheticTdx();

    [TearDown]
    public void DisposePki() => pki.Dispose();

    public void Dispose()
    {
        pki?.Dispose();
        GC.SuppressFinalize(this);
    }
}
