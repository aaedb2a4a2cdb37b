using System;
using System.Threading.Tasks;

namespace Constellation.Node;

/// <summary>Entry point of <c>constellation-node</c>: runs the daemon it is named as (see <see cref="NodeDaemons"/>).</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => NodeDaemons.RunAsync(NodeDaemons.InvokedAs(), args, Console.Error);
}
