"""The baseline every Python COCO converter starts with: CPython's json.load of the whole file,
then the index pycocotools' COCO() builds (COCO.createIndex, reimplemented here line for line in
plain Python because pycocotools cannot be installed where this runs: anns, imgs and cats dicts,
imgToAnns and catToImgs defaultdicts). Prints the wall time and the peak RSS.

    python3 bench/coco/baseline.py FILE
"""
import json
import resource
import sys
import time
from collections import defaultdict


def create_index(dataset):
    # pycocotools/coco.py, COCO.createIndex (2.0.x), without the prints.
    anns, cats, imgs = {}, {}, {}
    imgToAnns, catToImgs = defaultdict(list), defaultdict(list)
    if 'annotations' in dataset:
        for ann in dataset['annotations']:
            imgToAnns[ann['image_id']].append(ann)
            anns[ann['id']] = ann
    if 'images' in dataset:
        for img in dataset['images']:
            imgs[img['id']] = img
    if 'categories' in dataset:
        for cat in dataset['categories']:
            cats[cat['id']] = cat
    if 'annotations' in dataset and 'categories' in dataset:
        for ann in dataset['annotations']:
            catToImgs[ann['category_id']].append(ann['image_id'])
    return anns, cats, imgs, imgToAnns, catToImgs


def main():
    path = sys.argv[1]
    t0 = time.perf_counter()
    with open(path, 'r') as f:
        dataset = json.load(f)
    # COCO.__init__ asserts the top level is a dict.
    assert type(dataset) == dict, 'annotation file format {} not supported'.format(type(dataset))
    t1 = time.perf_counter()
    anns, cats, imgs, imgToAnns, catToImgs = create_index(dataset)
    t2 = time.perf_counter()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print('python json.load %.3fs + createIndex %.3fs = %.3fs; %d images, %d annotations, %d categories; peak RSS %d KiB'
          % (t1 - t0, t2 - t1, t2 - t0, len(imgs), len(anns), len(cats), peak_kib))


if __name__ == '__main__':
    main()
