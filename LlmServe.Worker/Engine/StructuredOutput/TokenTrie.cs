using LlmServe.Worker.Tokenization;

namespace LlmServe.Worker.Engine.StructuredOutput;

/// <summary>The vocabulary as a byte trie, so a whole family of tokens sharing a prefix is ruled out at once.</summary>
internal sealed class TokenTrie
{
    internal sealed class Node
    {
        public Dictionary<byte, Node> Children { get; } = [];
        public List<int> Tokens { get; } = [];

        /// <summary>The children as arrays, filled once the trie is built: walking arrays beats enumerating dictionaries.</summary>
        public byte[] Bytes { get; private set; } = [];
        public Node[] Kids { get; private set; } = [];
        public int[] TokenIds { get; private set; } = [];

        public void Freeze()
        {
            Bytes = [.. Children.Keys];
            Kids = [.. Children.Values];
            TokenIds = [.. Tokens];
            foreach (var kid in Kids)
            {
                kid.Freeze();
            }
        }
    }

    public Node Root { get; } = new();
    public int VocabSize { get; }

    public TokenTrie(ITokenizer tokenizer)
    {
        VocabSize = tokenizer.VocabSize;
        for (var id = 0; id < tokenizer.VocabSize; id++)
        {
            var bytes = tokenizer.TokenBytes(id);
            if (bytes.IsEmpty || tokenizer.IsControl(id))
            {
                continue;   // control tokens never carry constrained text
            }
            var node = Root;
            foreach (var b in bytes)
            {
                if (!node.Children.TryGetValue(b, out var child))
                {
                    child = new Node();
                    node.Children[b] = child;
                }
                node = child;
            }
            node.Tokens.Add(id);
        }
        Root.Freeze();
    }
}
