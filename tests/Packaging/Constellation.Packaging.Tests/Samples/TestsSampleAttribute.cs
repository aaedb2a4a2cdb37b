namespace Constellation.Packaging.Tests.Samples;

/// <summary>Marks the fixture that builds and runs <c>samples/&lt;Name&gt;</c>; <see cref="SampleCatalogTests"/> requires one per sample.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class TestsSampleAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
