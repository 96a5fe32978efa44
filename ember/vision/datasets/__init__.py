"""ember.vision.datasets"""
