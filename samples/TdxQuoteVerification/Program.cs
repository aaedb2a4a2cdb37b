// Verifies a real Intel TDX quote (v4, a production Sapphire Rapids) against collateral stored beside it - TCB info,
// QE identity, their issuer chains and both CRLs, as Intel PCS served them - with no network, then applies a policy.
// Prints the verdict; exit code 0 = valid, 1 = rejected.
//
// The honest outcome for this quote: every signature, the QE binding, the PCK chain and the collateral verify, but the
// platform is below every TCB level of its TCB info ("no matching TCB level"), so a policy that requires a TCB
// status refuses it. That refusal is what this sample shows.
//
//   dotnet run                                   verify at the time the collateral was current (2023-06-20)
//   dotnet run -- --evidence <dir>               another quote.dat with a collateral/ directory
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Constellation.Attestation;
using Constellation.Attestation.Tdx.Collateral;
using Constellation.Attestation.Tdx.Validate;
using Constellation.Attestation.Tdx.Verify;
using Constellation.Attestation.Tdx.WireFormat;

var evidence = Option(args, "--evidence") ?? Path.Combine(AppContext.BaseDirectory, "evidence");
// The stored TCB info and QE identity were current in 2023-06/07 (nextUpdate 2023-07-18 and 2023-07-08).
var at = DateTimeOffset.Parse(Option(args, "--at") ?? "2023-06-20T00:00:00Z", CultureInfo.InvariantCulture);

// <verify>
// Strict parse: exact lengths, no bytes after the quote. No cryptography yet.
var quote = TdxQuote.Parse(File.ReadAllBytes(Path.Combine(evidence, "gotdxguest-tdx_prod_quote_SPR_E4.trimmed.dat")));

// tcb-info.json, qe-identity.json, their issuer chains, pck-crl.der and root-ca-crl.der (TdxCollateral's file names).
var collateral = await TdxCollateral.LoadDirectoryAsync(Path.Combine(evidence, "collateral"));

// The defaults: Intel SGX Root CA pinned, both CRLs and the TCB evaluation required, no collateral grace period.
var verifier = new TdxQuoteVerifier(new TdxVerificationOptions { VerificationTime = at });

TdxQuoteVerificationResult facts;
try
{
    // Quote signature, QE report signature and binding, PCK chain and CRLs, collateral signatures and currency, then
    // the TCB evaluation. A broken signature or chain throws; the TCB outcome is a fact for the policy to judge.
    facts = verifier.Verify(quote, collateral);
}
catch (AttestationException ex)
{
    Console.WriteLine($"TDX quote v{quote.Version}: rejected during verification");
    Console.WriteLine($"  {ex.GetType().Name}: {ex.Message}");
    Console.WriteLine("verdict: rejected");
    return 1;
}
// </verify>

Console.WriteLine($"TDX quote v{quote.Version}, FMSPC {facts.Pck.FmspcHex}, verified at {at:u} with stored collateral:");
Console.WriteLine("  quote signature, QE report signature and QE binding: verified");
var root = facts.PckChain.Root.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
Console.WriteLine($"  PCK chain to {root}, PCK and root CA CRLs: verified");
Console.WriteLine($"  TCB info (issued {facts.TcbInfo!.IssueDate:u}) and QE identity signatures: verified");
Console.WriteLine($"  TCB level: {(facts.Tcb!.IsMatched ? facts.Tcb.Status : "no match: " + facts.Tcb.NoMatchReason)}");

// <validate>
// The default policy accepts UpToDate only (platform, module and QE) and forbids debug TDs; add what you expect of
// the TD itself (MRTD, RTMRs, REPORTDATA) from your configuration.
TdxQuoteValidationResult result = TdxQuoteValidator.Validate(facts, TdxValidationOptions.Default);
// </validate>

if (!result.IsValid)
{
    Console.WriteLine("policy (TCB status UpToDate, no debug): rejected");
    foreach (var violation in result.Violations)
    {
        Console.WriteLine($"  {violation}");
    }

    Console.WriteLine("verdict: rejected");
    return 1;
}

Console.WriteLine("policy (TCB status UpToDate, no debug): satisfied");
Console.WriteLine("verdict: valid");
return 0;

static string? Option(string[] args, string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
