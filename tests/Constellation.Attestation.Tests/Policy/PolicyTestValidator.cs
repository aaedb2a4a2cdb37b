using System.Text;
using System.Text.Json;
using Constellation.Attestation.Config;

namespace Constellation.Attestation.Tests.Policy;

/// <summary>
/// A validator whose verdict depends on the policy's measurements: the document is
/// <c>{"registers":{"4":"hex",...}}</c>, compared with the policy like a vTPM quote's PCRs would be.
/// A success names the policy it was checked against in its warnings ("policy:&lt;hex of the first value&gt;").
/// </summary>
internal sealed class PolicyTestValidator(AttestationConfig config) : IAttestationValidator
{
    public AttestationVariant Variant => config.Variant;

    public static string Tag(MeasurementSet measurements) => "policy:" + measurements.First().Value.ToHex()[..16];

    public static byte[] Document(IReadOnlyDictionary<uint, byte[]> registers) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { registers = registers.ToDictionary(r => r.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), r => Convert.ToHexStringLower(r.Value)) }));

    public ValueTask<AttestationValidationResult> ValidateAsync(ReadOnlyMemory<byte> document, ReadOnlyMemory<byte> nonce, CancellationToken cancellationToken = default)
    {
        using var json = JsonDocument.Parse(document);
        var registers = json.RootElement.GetProperty("registers").EnumerateObject()
            .ToDictionary(p => uint.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => Convert.FromHexString(p.Value.GetString()!));
        config.Measurements.Compare(registers).ThrowIfFailed();
        return ValueTask.FromResult(new AttestationValidationResult(Variant, nonce.Span, [Tag(config.Measurements)]));
    }
}
