using System;
using System.CommandLine;
using System.Threading.Tasks;

namespace Constellation.Cli;

/// <summary>Entry point of the <c>constellation</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The process exit code (see <see cref="ExitCodes"/>).</returns>
    public static Task<int> Main(string[] args)
    {
        RootCommand root;
        if (CliEdition.IsFront)
        {
            // Decided before anything else starts: a command line the front does not hold goes to the full build as
            // it is (execv; on success this never returns).
            root = CommandTree.BuildFront();
            if (!FullCliHandOver.ServesItself(root, args))
            {
                return Task.FromResult(FullCliHandOver.Run(root, args, Console.Error));
            }
        }
        else
        {
            FullCliHandOver.ForgetHandOver();
            root = CommandTree.Build();
        }

        return CliInvocation.InvokeAsync(
            root,
            args,
            new InvocationConfiguration(),
            showStackTraces: Environment.GetEnvironmentVariable(CliInvocation.StackTraceVariable) == "1");
    }
}
