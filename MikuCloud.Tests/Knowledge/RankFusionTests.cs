using MikuCloud.Api.Knowledge;

namespace MikuCloud.Tests.Knowledge;

/// <summary>Reciprocal rank fusion of the full-text and vector rankings.</summary>
public class RankFusionTests
{
    [Fact]
    public void A_passage_both_rankings_place_high_beats_one_only_a_single_ranking_places_first()
    {
        var fused = RankFusion.Fuse([1, 2, 3], [4, 2, 5]);

        Assert.Equal(2, fused[0].Id);
        Assert.Equal(2.0 / (RankFusion.K + 2), fused[0].Score, 12);
        Assert.Equal([2L, 1, 4, 3, 5], fused.Select(f => f.Id));
    }

    [Fact]
    public void One_empty_ranking_leaves_the_other_in_its_order() =>
        Assert.Equal([7L, 3, 9], RankFusion.Fuse([7, 3, 9], []).Select(f => f.Id));
}
