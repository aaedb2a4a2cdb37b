namespace Constellation.Attestation.Tests.Tdx;

/// <summary>A fixture with a fresh <see cref="SyntheticTdx"/> PKI per test.</summary>
public abstract class SyntheticTdxFixture : IDisposable
{
    private protected SyntheticTdx _pki = null!;

    [SetUp]
    public void CreatePki() => _pki = new SyntheticTdx();

    [TearDown]
    public void DisposePki() => _pki.Dispose();

    public void Dispose()
    {
        _pki?.Dispose();
        GC.SuppressFinalize(this);
    }
}
