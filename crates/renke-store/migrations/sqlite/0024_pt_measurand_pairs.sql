-- Paired samples (配对样品): two measurands of a scheme with the same pair group are similar
-- samples (样品A/样品B) whose scores are plotted against each other (Youden plot,
-- ISO 13528:2022 10.5). NULL: not paired.
ALTER TABLE pt_measurands ADD COLUMN pair_group TEXT;
