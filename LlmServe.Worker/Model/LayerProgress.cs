namespace LlmServe.Worker.Model;

/// <summary>How far a model load has come: <paramref name="Loaded"/> of <paramref name="Layers"/> decoder layers.</summary>
internal readonly record struct LayerProgress(int Loaded, int Layers)
{
    public int Percent => Layers == 0 ? 100 : (int)(100L * Loaded / Layers);
}
