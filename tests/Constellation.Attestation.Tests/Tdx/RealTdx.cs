using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation.Pki;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;
using Constellation.Tests;

namespace Constellation.Attestation.Tests.Tdx;

/// <summary>The real quotes and collateral of testdata/tdx with the MANIFEST's pinned times.</summary>
internal static class RealTdx
{
    public static readonly DateTimeOffset V4Pinned = new(2023, 6, 20, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset V5Pinned = new(2026, 2, 15, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset PckExpired = new(2034, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static byte[] V4Bytes => TestData.EvidenceBytes("tdx/gotdxguest-tdx_prod_quote_SPR_E4.trimmed.dat");

    public static byte[] V4WithTrailerBytes => TestData.EvidenceBytes("tdx/spr-e4-quote-v4.dat");

    public static byte[] V5Bytes => TestData.EvidenceBytes("tdx/sample-quote-v5.dat");

    public static TdxQuote V4 => TdxQuote.Parse(V4Bytes);

    public static TdxQuote V5 => TdxQuote.Parse(V5Bytes);

    public static string CollateralDir => TestData.Evidence("tdx/collateral");

    public static byte[] Collateral(string name) => TestData.EvidenceBytes("tdx/collateral/" + name);

    public static IReadOnlyList<X509Certificate2> TcbChain => PemCertificates.ParseChain(Collateral("tcb-info-issuer-chain.pem"), 2, "chain");

    public static X509Certificate2 Root => IntelSgxRootCa.Create();

    public static TdxCollateral LoadCollateral() => TdxCollateral.LoadDirectoryAsync(CollateralDir).GetAwaiter().GetResult();
}
