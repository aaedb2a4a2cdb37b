using System.Collections.Generic;
using System.CommandLine;
using Constellation.Attestation;
using Constellation.Attestation.Snp.Validate;

namespace Constellation.Cli.Commands.Evidence.Snp;

/// <summary>
/// The policy options of <c>evidence verify snp-report</c>. Without any of them only the signature and the chain are
/// verified; with any of them the report must also satisfy the library's default policy (no debug, no migration agent,
/// no CXL, VMPL 0 unless <c>--vmpl</c> says otherwise) plus every value given, and each violation is reported.
/// </summary>
internal sealed class SnpReportPolicyOptions
{
    // Field sizes of the SEV-SNP ATTESTATION_REPORT (AMD SEV-SNP ABI, Table "ATTESTATION_REPORT Structure").
    private const int MeasurementLength = 48;
    private const int ReportDataLength = 64;
    private const int HostDataLength = 32;
    private const uint MaxVmpl = 3;

    private readonly Option<string> _measurement = new("--measurement") { Description = "Require this launch MEASUREMENT (48 bytes, hex). Any policy option also applies the default policy: no debug, no migration agent, no CXL, VMPL 0." };
    private readonly Option<string> _reportData = new("--report-data") { Description = "Require this REPORT_DATA (64 bytes, hex)." };
    private readonly Option<string> _hostData = new("--host-data") { Description = "Require this HOST_DATA (32 bytes, hex)." };
    private readonly Option<uint?> _minimumGuestSvn = new("--min-guest-svn") { Description = "Require GUEST_SVN of at least this value." };
    private readonly Option<uint?> _vmpl = new("--vmpl") { Description = "Require this VMPL, 0 to 3 (default with any policy option: 0)." };

    public SnpReportPolicyOptions()
    {
        // A report's VMPL is 0..3 (the four SNP privilege levels): a larger value is a usage error, not a rejection.
        IntegerOptions.Restrict(_vmpl, 0u, MaxVmpl);
        IntegerOptions.Restrict(_minimumGuestSvn, uint.MinValue, uint.MaxValue);
    }

    /// <summary>Gets the options, to add to the command.</summary>
    public IEnumerable<Option> All => [_measurement, _reportData, _hostData, _minimumGuestSvn, _vmpl];

    /// <summary>Reads the policy; <see langword="null"/> when no policy option was given.</summary>
    /// <param name="parse">The parse result.</param>
    /// <returns>The policy, or <see langword="null"/>.</returns>
    /// <exception cref="UnusableInputException">A value is malformed.</exception>
    public SnpValidationOptions? Read(ParseResult parse)
    {
        var measurement = EvidenceInput.ParseHex(parse.GetValue(_measurement), "--measurement", MeasurementLength);
        var reportData = EvidenceInput.ParseHex(parse.GetValue(_reportData), "--report-data", ReportDataLength);
        var hostData = EvidenceInput.ParseHex(parse.GetValue(_hostData), "--host-data", HostDataLength);
        var minimumGuestSvn = parse.GetValue(_minimumGuestSvn);
        var vmpl = parse.GetValue(_vmpl);
        if (measurement is null && reportData is null && hostData is null && minimumGuestSvn is null && vmpl is null)
        {
            return null;
        }

        return new SnpValidationOptions
        {
            Measurement = Optional(measurement),
            ReportData = Optional(reportData),
            HostData = Optional(hostData),
            MinimumGuestSvn = minimumGuestSvn,
            Vmpl = vmpl ?? 0,
        };
    }

    // A null array converts to an *empty* ReadOnlyMemory, which would require an empty field: keep "not given" null.
    private static System.ReadOnlyMemory<byte>? Optional(byte[]? value) => value is null ? default(System.ReadOnlyMemory<byte>?) : new System.ReadOnlyMemory<byte>(value);
}
