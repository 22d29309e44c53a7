"""`LaunchConfig`: every threshold of the launch detector, with its default and where it comes from."""

from __future__ import annotations

from dataclasses import dataclass

DAY_S = 86_400.0
YEAR_S = 365.25 * DAY_S


@dataclass(frozen=True, slots=True)
class LaunchConfig:
    # ---------------------------------------------------------------- classification
    lofted_ratio: float = 0.3
    """Apogee/range above this is a lofted shot, classified by its estimated full range. A
    minimum-energy trajectory has apogee/range 0.25 at short range, falling to 0.13 at 10,000 km
    (spherical Earth, no drag); the issue and DOMAIN notes put the cut at ~0.3."""
    class_bounds_km: tuple[float, float, float] = (1000.0, 3000.0, 5500.0)
    """SRBM < 1,000 km <= MRBM < 3,000 <= IRBM <= 5,500 < ICBM (US DoD / NASIC "Ballistic and Cruise
    Missile Threat" classes; 5,500 km is the ICBM threshold of the INF and START treaties)."""
    satellite_azimuth_deg: tuple[float, float] = (135.0, 225.0)
    """A launch from a space launch site heading within this sector (south-east to south-west) is a
    satellite launch: Sohae launches into polar/sun-synchronous orbits fly due south (CNS bearings
    170-190 for the Unha-3 and Chollima-1 launches of 2012-2023)."""
    launch_vehicle_names: tuple[str, ...] = ("Unha", "Taepodong-1", "Paektusan", "Chollima", "Kwangmyongsong", "Malligyong")
    """A report naming one of these vehicles (or its satellite) is a satellite launch: the DPRK's
    space launch vehicles and satellites as named by the CNS database and the DPRK (KCNA)."""
    site_match_km: float = 10.0
    """A launch point this close to a known site is taken to be at it. ROK JCS and Japan MoD name the
    launch area at county level, and several CNS sites (Pyongyang airport, Sunan) are ~3 km apart."""
    sea_offshore_margin_km: float = 10.0
    """A launch point off every land outline by at least this much is at sea; the hand-built
    outlines are accurate to ~5-15 km (streams/data/PROVENANCE.md)."""
    track_step_km: float = 5.0
    """Spacing of ground-track points for the overflight test: narrower than any island a DPRK
    missile has overflown (the Sakishima islands are 10-30 km across)."""

    # ---------------------------------------------------------------- fusion
    fusion_window_s: float = 600.0
    """Reports of one launch from different sources agree on the launch time within minutes (Japan
    MoD and ROK JCS times of the same launch differ by 0-5 min); 10 min. A report with a date only
    (`time_precision` "day") widens it by a day, a month-only one by 31 days."""
    fusion_distance_km: float = 50.0
    """Launch points of one launch from different sources lie within tens of km (the launch area is
    given as a county or city, e.g. "Sunan area, Pyongyang"); 50 km."""
    fusion_retention_s: float = 6 * 3600.0
    """A launch stays open for fusion this long after the newest report time seen; later reports
    of it start a new alert. Agencies revise their first estimate within hours."""
    max_reports_per_launch: int = 20
    """Reports kept per launch (the oldest beyond this are dropped), so state stays bounded."""
    default_confidence: float = 0.5
    """Confidence of a report that states none, when choosing the best estimate of each field."""

    # ---------------------------------------------------------------- tempo
    tempo_half_life_s: float = 365.0 * DAY_S
    """Half-life of the exponentially weighted baseline rate of launch days: a year, so the baseline
    follows the DPRK's year-to-year campaigns (2 launches in 2018, 69 in 2022 in the CNS data)."""
    burst_window_days: int = 7
    """UTC days with launches in the last this-many days (today included) are compared with the
    baseline. The burst model counts launch *days*, not missiles: a salvo of 18 on one day is one
    event for it (and "several in one day" for the day flag)."""
    burst_p_value: float = 0.001
    """A burst when the Poisson probability of at least that many launch days in the window, at the
    baseline rate, is below this (-log10 p goes in the evidence as the burst score)."""
    burst_min_days: int = 3
    """And at least this many launch days in the window: launches on two days of a week are routine
    in busy years (2022: 42 launch days)."""
    tempo_min_history_s: float = 365.0 * DAY_S
    """No burst is flagged until the model has this much history before the window."""
    tempo_min_rate_per_year: float = 1.0
    """Floor of the baseline (launch days a year): after years without a test, a single launch is not
    a burst (the DPRK launched on more than one day a year on average from 1984 to 2026)."""
    day_window_s: float = DAY_S
    """Window for "several launches in one day"."""
    several_per_day: int = 3
    """That many launches within `day_window_s` (this one included) are "several in one day": salvos
    of two are routine (ROK JCS reports), three or more are rarer."""

    def __post_init__(self) -> None:
        low, mid, high = self.class_bounds_km
        if not 0.0 < low < mid < high:
            raise ValueError("launch: class_bounds_km must be increasing and positive")
        if not 0.0 < self.lofted_ratio:
            raise ValueError("launch: lofted_ratio must be positive")
        positive = (
            "site_match_km", "track_step_km", "fusion_window_s", "fusion_distance_km", "fusion_retention_s",
            "tempo_half_life_s", "day_window_s", "tempo_min_rate_per_year",
        )
        for name in positive:
            if not getattr(self, name) > 0.0:
                raise ValueError(f"launch: {name} must be positive")
        if self.sea_offshore_margin_km < 0.0 or self.tempo_min_history_s < 0.0:
            raise ValueError("launch: sea_offshore_margin_km and tempo_min_history_s must be >= 0")
        if not 0.0 < self.burst_p_value < 1.0 or not 0.0 <= self.default_confidence <= 1.0:
            raise ValueError("launch: burst_p_value must be in (0, 1) and default_confidence in [0, 1]")
        if self.max_reports_per_launch < 1 or self.burst_min_days < 1 or self.burst_window_days < 1 or self.several_per_day < 2:
            raise ValueError("launch: max_reports_per_launch, burst_window_days, burst_min_days >= 1 and several_per_day >= 2")
        if self.fusion_retention_s < self.fusion_window_s:
            raise ValueError("launch: fusion_retention_s must be at least fusion_window_s")
