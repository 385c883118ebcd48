"""plotly figures of configurations: context infographics, Sankey, matrices, chains, and static export."""
