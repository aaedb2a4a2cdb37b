namespace Constellation.Attestation.Tpm.WireFormat;

/// <summary>
/// The name of a field in a TPM structure, e.g. <c>pcrSelections[1].hash</c>. Kept in parts and joined only when an
/// error message needs it, so that reading a well-formed structure builds no strings.
/// </summary>
internal readonly struct TpmField
{
    private readonly string _name;
    private readonly int _index;
    private readonly string? _member;

    private TpmField(string name, int index, string? member)
    {
        _name = name;
        _index = index;
        _member = member;
    }

    /// <summary>An element of an array field: <c>name[index]member</c>.</summary>
    public static TpmField Element(string name, int index, string member) => new(name, index, member);

    public static implicit operator TpmField(string name) => new(name, -1, null);

    public override string ToString() => _index < 0
        ? _name + _member
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_name}[{_index}]{_member}");
}
