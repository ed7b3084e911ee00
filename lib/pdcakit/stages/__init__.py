"""What the stage notebooks call: windows and settings, baseline, compare, time view,
efficiency, explore and display. Each stage's choices and words live here, so a notebook
holds prose, parameters and display calls only."""
