// A validator that follows a policy file: the attestation config (variant measurements) of a service such as the join
// service, mounted from a Kubernetes ConfigMap. Each change is validated and swapped in atomically; a bad change keeps
// the last good policy. Prints every reload; exit code 0 = each update had the effect shown, 1 = it did not.
//
//   dotnet run                                         on a copy of policy/attestationConfig: apply an update, refuse a bad one
//   dotnet run -- --policy /var/config/attestationConfig   follow a real file and print each reload until Ctrl+C
using System.Threading.Channels;
using Constellation.Attestation;
using Constellation.Attestation.Policy;

var follow = Option(args, "--policy");
var directory = follow is null ? Directory.CreateTempSubdirectory("constellation-policy-").FullName : null;
var path = follow ?? Path.Combine(directory!, "attestationConfig");
if (follow is null)
{
    File.Copy(Path.Combine(AppContext.BaseDirectory, "policy", "attestationConfig"), path);
}

// <create>
// The variants this service accepts (no factory has dummy unless asked by name), the file and its format, and how
// changes are noticed: file-system events on the file's directory, plus a poll as a safety net (default 1 minute).
var factory = AttestationValidatorFactory.CreateDefault(); // the registry's variants; qemu-vtpm needs no services
var source = new FileAttestationPolicySource(path, PolicyFileFormat.Json, AttestationVariant.QemuVtpm);
await using var validator = await UpdateableAttestationValidator.CreateAsync(
    source, factory, new UpdateableValidatorOptions { PollInterval = TimeSpan.FromSeconds(2) });
// A service hands `validator` to aTLS (AtlsOptions.Validators) or calls validator.ValidateAsync(document, nonce):
// every validation uses the one policy in effect when it starts.
// </create>

var reloads = Channel.CreateUnbounded<PolicyReloadResult>();
// <watch>
validator.ReloadCompleted += (_, reload) =>
{
    Console.WriteLine(reload.Outcome switch
    {
        PolicyReloadOutcome.Applied => $"reload: applied, policy generation {reload.Policy.Generation}, {Describe(reload.Policy)}",
        PolicyReloadOutcome.Unchanged => $"reload: unchanged, policy generation {reload.Policy.Generation}",
        _ => $"reload: refused, policy generation {reload.Policy.Generation} stays in effect: {reload.Error!.Message}",
    });
    reloads.Writer.TryWrite(reload);
};
// </watch>

Console.WriteLine($"policy generation {validator.Current.Generation} from {path}: {Describe(validator.Current)}");
if (follow is not null)
{
    var stop = new TaskCompletionSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
    await stop.Task;
    return 0;
}

try
{
    // A new image measures PCR 4 differently: the operator publishes new measurements. Written to a temporary file and
    // renamed over the old one, so the validator never reads half a file (Kubernetes swaps a symlink to the same effect).
    var updated = File.ReadAllText(path).Replace("d690bdac", "a1b2c3d4", StringComparison.Ordinal);
    Publish(path, updated);
    var applied = await NextAsync(reloads.Reader, PolicyReloadOutcome.Applied);

    // A broken update - a policy that compares nothing - is refused; generation 2 stays in effect.
    Publish(path, """{"measurements":{}}""");
    var refused = await NextAsync(reloads.Reader, PolicyReloadOutcome.Failed);

    var ok = applied.Policy.Generation == 2 && refused.Policy.Generation == 2 && validator.Current.Generation == 2;
    Console.WriteLine(ok ? "verdict: the update was applied and the bad update refused" : "verdict: unexpected policy generation");
    return ok ? 0 : 1;
}
catch (TimeoutException ex)
{
    Console.WriteLine($"verdict: {ex.Message}");
    return 1;
}
finally
{
    Directory.Delete(directory!, recursive: true);
}

static string Describe(ActivePolicy policy) =>
    $"{policy.Config.Variant.Name}, {policy.Config.Measurements.Count} measurements, " +
    $"PCR 4 = {policy.Config.Measurements[4].ToHex()[..8]}…";

static void Publish(string path, string content)
{
    var temporary = path + ".new";
    File.WriteAllText(temporary, content);
    File.Move(temporary, path, overwrite: true);
}

// Waits for the reload with the wanted outcome; file-system events may also report the first write as "unchanged".
static async Task<PolicyReloadResult> NextAsync(ChannelReader<PolicyReloadResult> reloads, PolicyReloadOutcome wanted)
{
    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
    try
    {
        while (true)
        {
            var reload = await reloads.ReadAsync(timeout.Token);
            if (reload.Outcome == wanted)
            {
                return reload;
            }
        }
    }
    catch (OperationCanceledException)
    {
        throw new TimeoutException($"no {wanted} reload within 20 seconds");
    }
}

static string? Option(string[] args, string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
