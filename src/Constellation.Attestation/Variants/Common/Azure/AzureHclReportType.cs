namespace Constellation.Attestation.Variants.Common.Azure;

/// <summary>The hardware report an Azure HCL report carries (runtime-claims field <c>report type</c>).</summary>
public enum AzureHclReportType
{
    /// <summary>0: invalid.</summary>
    Invalid = 0,

    /// <summary>1: reserved.</summary>
    Reserved = 1,

    /// <summary>2: an AMD SEV-SNP attestation report.</summary>
    Snp = 2,

    /// <summary>3: a TVM report.</summary>
    Tvm = 3,

    /// <summary>4: an Intel TDX TDREPORT.</summary>
    Tdx = 4,
}
